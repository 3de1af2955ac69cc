package io.credflow.api;

import static io.credflow.api.Representations.single;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.oauth.AuthorizationService;
import io.credflow.outbound.OutboundRefusedException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/** The Authenticate round trip: starting an authorization, and the provider's callback. */
final class AuthorizationRoutes {
  /** Callback outcomes that are the provider's or the auth-client's fault, not the browser's. */
  private static final Set<String> UPSTREAM_FAILURES =
      Set.of("provider_unavailable", "auth_client_misconfigured");

  private static final SecureRandom RANDOM = new SecureRandom();

  private final AuthorizationService authorizations;

  AuthorizationRoutes(AuthorizationService authorizations) {
    this.authorizations = authorizations;
  }

  void register(RoutesConfig routes) {
    routes.post("/v2/workspaces/{ws}/authorizations", this::start);
    routes.get(AuthorizationService.CALLBACK_PATH, this::callback);
  }

  private void start(Context ctx) {
    String ws = Requests.id(ctx, "ws", "workspace");
    Document doc =
        Document.read(
            ctx,
            "authorization",
            Set.of("credential_name"),
            Set.of("auth_client", "component", "credential"));
    doc.refuseClientId();
    var started =
        authorizations.start(
            Requests.caller(ctx),
            ws,
            new AuthorizationService.Start(
                doc.toOne("auth_client", "auth-client", true).orElseThrow(),
                doc.toOne("component", "component", false),
                doc.toOne("credential", "credential", false),
                doc.string("credential_name", false)));
    ObjectNode resource = JsonApi.object();
    resource.put("type", "authorization");
    resource.put("id", started.state().reveal());
    ObjectNode attrs = resource.putObject("attributes");
    attrs.put("authorize_url", started.authorizeUrl().toString());
    attrs.put("state", started.state().reveal());
    attrs.put("redirect_uri", authorizations.redirectUri().toString());
    attrs.put("expires_at", started.expiresAt().toString());
    ctx.header("Cache-Control", "no-store");
    JsonApi.write(ctx, 201, single(resource));
  }

  /** The provider's redirect: a small page for the browser, or JSON when asked for. */
  private void callback(Context ctx) {
    var result =
        authorizations.callback(
            Optional.ofNullable(ctx.queryParam("state")),
            Optional.ofNullable(ctx.queryParam("code")),
            Optional.ofNullable(ctx.queryParam("error")),
            Optional.ofNullable(ctx.queryParam("error_description")));
    int status =
        result.ok()
            ? 200
            : UPSTREAM_FAILURES.contains(result.code())
                ? 502
                : result.code().equals(OutboundRefusedException.REFUSED)
                    ? OutboundRefusedException.STATUS
                    : 400;
    ctx.header("Cache-Control", "no-store");
    ctx.header("Referrer-Policy", "no-referrer");
    String accept = ctx.header("Accept");
    if (accept != null && accept.contains("json") && !accept.contains("text/html")) {
      ObjectNode body = JsonApi.object();
      body.put("status", result.ok() ? "ok" : "error");
      body.put("code", result.code());
      body.put("detail", result.message());
      result
          .credentialId()
          .ifPresentOrElse(id -> body.put("credential", id), () -> body.putNull("credential"));
      ctx.status(status).contentType("application/json").result(body.toString());
      return;
    }
    String nonce = nonce();
    ctx.header(SecurityHeaders.CONTENT_SECURITY_POLICY, SecurityHeaders.pagePolicy(nonce));
    ctx.status(status)
        .contentType("text/html; charset=utf-8")
        .result(
            page(
                result,
                nonce,
                SecurityHeaders.origin(authorizations.redirectUri()),
                Optional.ofNullable(ctx.queryParam("state"))
                    .filter(st -> !st.isBlank())
                    .map(AuthorizationService::reference)
                    .orElse("")));
  }

  private static String nonce() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  /**
   * The page tells the window that opened it how the authorization ended, and only if that window
   * shows Credflow's own origin ({@code opener}): a page of any other site that opened the flow
   * learns nothing.
   */
  private static String page(
      AuthorizationService.CallbackResult result, String nonce, String opener, String ref) {
    String message = html(result.message());
    String code = html(result.code());
    return "<!doctype html><html><head><meta charset=\"utf-8\"><title>Credflow authorization</title>"
        + "</head><body><h1>"
        + (result.ok() ? "Authorization complete" : "Authorization not completed")
        + "</h1><p>"
        + message
        + "</p><p>You can close this window, or <a href=\"/authenticated?ref="
        + html(ref)
        + "\">go back to Credflow</a>.</p><script nonce=\""
        + nonce
        + "\">"
        + "if (window.opener) { window.opener.postMessage({type: 'credflow.authorization', status: '"
        + (result.ok() ? "ok" : "error")
        + "', code: '"
        + code
        + "', ref: '"
        + html(ref)
        + "'}, '"
        + html(opener)
        + "'); }"
        + "</script></body></html>";
  }

  /** HTML escaping, also safe inside single-quoted script strings. */
  static String html(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        case '\\' -> b.append("&#92;");
        default -> b.append(c < 0x20 ? ' ' : c);
      }
    }
    return b.toString();
  }
}
