package io.credflow.demo;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;

/**
 * Renders the demo provider's pages (templates precompiled from {@code src/main/jte/demo}, which
 * escape everything they echo) with the headers a page needs.
 */
final class Pages {
  private static final TemplateEngine TEMPLATES =
      TemplateEngine.createPrecompiled(ContentType.Html);

  private Pages() {}

  static void consent(Context ctx, ConsentPage page, Addresses addresses) {
    render(ctx, 200, "demo/consent.jte", page, addresses);
  }

  static void error(Context ctx, int status, String heading, String detail, Addresses addresses) {
    render(
        ctx,
        status,
        "demo/error.jte",
        new ErrorPage(heading, detail, addresses.path(Addresses.STYLESHEET_PATH)),
        addresses);
  }

  /**
   * The policy of a page: the console's stylesheet and nothing else loads, no script runs, and the
   * form posts only to this origin, whose answer redirects only to Credflow's callback (browsers
   * check a form's redirects against {@code form-action} too). It replaces the data policy every
   * Credflow answer carries by default.
   */
  static String policy(Addresses addresses) {
    return "default-src 'none'; style-src 'self'; form-action 'self' "
        + addresses.callbackOrigin()
        + "; frame-ancestors 'none'; base-uri 'none'";
  }

  private static void render(
      Context ctx, int status, String template, Object page, Addresses addresses) {
    StringOutput html = new StringOutput();
    TEMPLATES.render(template, page, html);
    ctx.header("Content-Security-Policy", policy(addresses))
        .header("X-Frame-Options", "DENY")
        .header("X-Content-Type-Options", "nosniff")
        // The page's address carries the request's state and challenge: no other site needs them.
        .header("Referrer-Policy", "no-referrer")
        .status(status)
        .contentType("text/html; charset=utf-8")
        .result(html.toString());
  }
}
