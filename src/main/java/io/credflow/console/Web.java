package io.credflow.console;

import io.credflow.account.AccountService;
import io.credflow.common.ConflictException;
import io.credflow.common.CredflowException;
import io.credflow.common.ForbiddenException;
import io.credflow.common.NotFoundException;
import io.credflow.common.Secret;
import io.credflow.common.UpstreamException;
import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import io.credflow.outbound.OutboundRefusedException;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every console route shares: the session cookie, the CSRF check on every form, the page
 * headers (a content policy that runs only Credflow's own script files), and error pages for what a
 * service refused, with the same statuses as the API (a resource of another tenant or workspace is
 * a 404, exactly as there).
 */
final class Web {
  private static final Logger LOG = LoggerFactory.getLogger(Web.class);
  static final String SESSION_COOKIE = "credflow_session";

  /** The cookie and field of the CSRF token of forms shown before anyone signed in. */
  static final String PRE_SESSION_COOKIE = "credflow_form";

  static final String CSRF_FIELD = "_csrf";

  /** Marks a request a console route answered with its own error page (kept as it is). */
  static final String ANSWERED = "credflow.console.answered";

  static final String CSRF_HEADER = "X-CSRF-Token";

  /**
   * Pages load only Credflow's own scripts, styles and images, post forms only to Credflow and can
   * be framed by nobody; no inline script or style runs.
   */
  static final String PAGE_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private static final SecureRandom RANDOM = new SecureRandom();

  /** A route for a signed-in user. */
  @FunctionalInterface
  interface SignedIn {
    void handle(Context ctx, Visit visit) throws Exception;
  }

  private final AccountService accounts;
  private final Templates templates;
  private final java.util.function.BooleanSupplier secureCookies;
  private final Console.SignInLimit addresses;

  Web(
      AccountService accounts,
      Templates templates,
      java.util.function.BooleanSupplier secureCookies,
      Console.SignInLimit addresses) {
    this.accounts = accounts;
    this.templates = templates;
    this.secureCookies = secureCookies;
    this.addresses = addresses;
  }

  /** Where a console request comes from, for the audit trail (proxies considered). */
  io.credflow.audit.Origin origin(Context ctx) {
    return new io.credflow.audit.Origin(
        Optional.of(
            addresses.clientAddress(
                ctx.req().getRemoteAddr(),
                java.util.Collections.list(ctx.req().getHeaders("X-Forwarded-For")))),
        Optional.empty());
  }

  Templates templates() {
    return templates;
  }

  /** A page or form of a signed-in user: without a session, the sign-in page (then back here). */
  Handler signedIn(SignedIn route) {
    return ctx -> {
      pageHeaders(ctx);
      Optional<Secret> token = Optional.ofNullable(ctx.cookie(SESSION_COOKIE)).map(Secret::of);
      Optional<AccountService.Session> session = token.flatMap(accounts::session);
      if (session.isEmpty()) {
        String next = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
        String signIn = "/signin" + (isGet(ctx) ? "?next=" + encode(next) : "");
        if (ctx.header("HX-Request") != null) {
          ctx.header("HX-Redirect", signIn).status(401);
        } else {
          ctx.redirect(signIn, HttpStatus.SEE_OTHER);
        }
        return;
      }
      Visit visit =
          new Visit(
              session.get().caller().from(origin(ctx)),
              token.get(),
              AccountService.csrfToken(token.get()));
      if (!isGet(ctx) && !csrfMatches(ctx, token.get())) {
        error(
            ctx,
            403,
            "This form has expired",
            "The form was sent without the token that shows it came from Credflow. Reload the"
                + " page and send it again.");
        return;
      }
      guarded(ctx, () -> route.handle(ctx, visit));
    };
  }

  /** A page anyone may open (sign-in, setup links): page headers and error pages only. */
  Handler open(Handler route) {
    return ctx -> {
      pageHeaders(ctx);
      guarded(ctx, () -> route.handle(ctx));
    };
  }

  private interface Body {
    void run() throws Exception;
  }

  private void guarded(Context ctx, Body body) {
    try {
      body.run();
    } catch (NotFoundException e) {
      error(ctx, 404, "Not found", e.getMessage());
    } catch (ForbiddenException e) {
      error(ctx, 403, "Not allowed", e.getMessage());
    } catch (ValidationException e) {
      error(
          ctx,
          422,
          "Please fix this",
          String.join("; ", e.violations().stream().map(Violation::detail).toList()));
    } catch (ConflictException e) {
      error(ctx, 409, "Not possible now", e.getMessage());
    } catch (OutboundRefusedException e) {
      error(ctx, OutboundRefusedException.STATUS, "Address refused", e.getMessage());
    } catch (UpstreamException e) {
      error(ctx, 502, "The provider did not answer as expected", e.getMessage());
    } catch (CredflowException e) {
      error(ctx, 400, "Not possible", e.getMessage());
    } catch (Exception e) {
      LOG.error("console page {} {} failed", ctx.method(), ctx.path(), e);
      error(
          ctx,
          500,
          "Something went wrong",
          "Credflow could not complete this; it has been logged. Try again later.");
    }
  }

  static boolean isGet(Context ctx) {
    String m = ctx.method().name();
    return m.equals("GET") || m.equals("HEAD");
  }

  private static boolean csrfMatches(Context ctx, Secret sessionToken) {
    String presented = ctx.header(CSRF_HEADER);
    if (presented == null) {
      presented = ctx.formParam(CSRF_FIELD);
    }
    return presented != null && AccountService.checkCsrf(sessionToken, presented);
  }

  static void pageHeaders(Context ctx) {
    ctx.header("Content-Security-Policy", PAGE_POLICY);
    ctx.header("Cache-Control", "no-store");
    ctx.header("Referrer-Policy", "same-origin");
  }

  /** An error page with {@code status}; a fragment request gets the message alone. */
  void error(Context ctx, int status, String title, String detail) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("status", status);
    params.put("title", title);
    params.put("detail", detail);
    String template = ctx.header("HX-Request") != null ? "error-fragment.jte" : "error.jte";
    ctx.attribute(ANSWERED, true);
    ctx.status(status).html(templates.render(template, params));
  }

  /** Renders {@code template} with {@code params} as the answer. */
  void render(Context ctx, String template, Map<String, Object> params) {
    ctx.html(templates.render(template, params));
  }

  /** Ordered template parameters from key/value pairs. */
  static Map<String, Object> params(Object... keysAndValues) {
    Map<String, Object> params = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      params.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return params;
  }

  void setSessionCookie(Context ctx, Secret token, java.time.Duration maxAge) {
    ctx.header(
        "Set-Cookie",
        SESSION_COOKIE
            + "="
            + token.reveal()
            + "; Path=/; Max-Age="
            + maxAge.toSeconds()
            + "; HttpOnly; SameSite=Lax"
            + (secureCookies.getAsBoolean() ? "; Secure" : ""));
  }

  void clearSessionCookie(Context ctx) {
    ctx.header(
        "Set-Cookie",
        SESSION_COOKIE
            + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"
            + (secureCookies.getAsBoolean() ? "; Secure" : ""));
  }

  /**
   * The CSRF token of a form shown before sign-in (double submit: a random cookie and the same
   * value in the form); set once per browser.
   */
  String preSessionToken(Context ctx) {
    String existing = ctx.cookie(PRE_SESSION_COOKIE);
    if (existing != null && existing.matches("[A-Za-z0-9_-]{43}")) {
      return existing;
    }
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    ctx.res()
        .addHeader(
            "Set-Cookie",
            PRE_SESSION_COOKIE
                + "="
                + token
                + "; Path=/; HttpOnly; SameSite=Strict"
                + (secureCookies.getAsBoolean() ? "; Secure" : ""));
    return token;
  }

  /** Whether a form shown before sign-in came back with its cookie's token. */
  static boolean preSessionMatches(Context ctx) {
    String cookie = ctx.cookie(PRE_SESSION_COOKIE);
    String field = ctx.formParam(CSRF_FIELD);
    return cookie != null
        && field != null
        && java.security.MessageDigest.isEqual(
            cookie.getBytes(StandardCharsets.UTF_8), field.getBytes(StandardCharsets.UTF_8));
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Form fields by name (first value), without the CSRF token. */
  static Map<String, String> fields(Context ctx, List<String> names) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String name : names) {
      String v = ctx.formParam(name);
      if (v != null) {
        values.put(name, v);
      }
    }
    return values;
  }

  /** Problems by field, from a service's refusal. */
  static Map<String, String> errors(ValidationException e) {
    Map<String, String> errors = new LinkedHashMap<>();
    for (Violation v : e.violations()) {
      errors.merge(v.field(), v.detail(), (a, b) -> a + "; " + b);
    }
    return errors;
  }
}
