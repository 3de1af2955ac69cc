package io.credflow.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.authclient.AuthClient;
import io.credflow.common.NotFoundException;
import io.credflow.common.ValidationException;
import io.credflow.credential.Credential;
import io.credflow.oauth.AuthorizationService;
import io.credflow.oauth.AuthorizationService.Progress;
import io.credflow.tenancy.Workspace;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * "Authenticate" and "Reconnect": start a round trip for the page's script (which opened the popup
 * on the click), tell it how the round trip stands while it polls, and bring back a browser that
 * went through it in the same tab. The callback itself saves a new credential (the round trip
 * carries its name) or re-authenticates the credential being reconnected (keeping its id), so the
 * page polls with the round trip's reference and keeps no use for its state (which it passes to the
 * provider only inside the authorize URL).
 */
final class AuthenticatePages {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ConsolePages pages;

  AuthenticatePages(ConsolePages pages, CredentialPages credentials) {
    this.pages = pages;
  }

  void register(RoutesConfig routes) {
    Web web = pages.web();
    routes.post("/w/{ws}/authorize", web.signedIn(this::start));
    routes.get("/w/{ws}/authorize/progress", web.signedIn(this::progress));
    routes.get("/authenticated", web.signedIn(this::returned));
  }

  /**
   * Starts a round trip: for a new credential (its name and auth-client from the form) or a
   * reconnect ({@code credential}). The script gets JSON; a browser without it goes to the
   * provider.
   */
  private void start(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    String authClientId = Optional.ofNullable(ctx.formParam("auth_client")).orElse("");
    Optional<String> credentialId =
        Optional.ofNullable(ctx.formParam("credential")).filter(s -> !s.isBlank());
    Optional<String> component =
        Optional.ofNullable(ctx.formParam("component")).filter(s -> !s.isBlank());
    AuthorizationService.Started started;
    AuthClient client;
    Optional<Credential> reconnecting = Optional.empty();
    try {
      if (credentialId.isPresent()) {
        Credential c =
            pages
                .services()
                .credentials()
                .get(visit.caller(), ws.id(), credentialId.get())
                .credential();
        authClientId = c.authClientId();
        component = Optional.of(c.componentId());
        reconnecting = Optional.of(c);
      } else if (authClientId.isBlank()) {
        throw new ValidationException(
            "auth_client", "missing_member", "choose an auth client, or add a new one");
      }
      client = pages.services().authClients().usableIn(ws, authClientId, "auth_client");
      started =
          pages
              .services()
              .authorizations()
              .start(
                  visit.caller(),
                  ws.id(),
                  new AuthorizationService.Start(
                      authClientId,
                      component,
                      credentialId,
                      // With the credential, its name asks the callback to re-authenticate it at
                      // once; without, the callback saves a new credential of that name.
                      reconnecting
                          .map(Credential::name)
                          .or(
                              () ->
                                  Optional.of(
                                      Optional.ofNullable(ctx.formParam("name")).orElse("")))));
    } catch (ValidationException e) {
      ObjectNode body = JSON.createObjectNode();
      ObjectNode errors = body.putObject("errors");
      Web.errors(e).forEach(errors::put);
      json(ctx, 422, body);
      return;
    }
    if (!wantsJson(ctx)) {
      ctx.redirect(started.authorizeUrl().toString(), HttpStatus.SEE_OTHER);
      return;
    }
    ObjectNode body = JSON.createObjectNode();
    // The page polls and matches the callback's message by the round trip's reference: the state,
    // which redeems a code, travels only inside the authorize URL, to the provider.
    String ref = AuthorizationService.reference(started.state().reveal());
    body.put("authorize_url", started.authorizeUrl().toString());
    body.put("ref", ref);
    body.put("provider", client.name());
    body.put(
        "progress",
        "/w/"
            + ws.id()
            + "/authorize/progress?ref="
            + ref
            + reconnecting.map(c -> "&before=" + Web.encode(c.scope().orElse(""))).orElse("")
            + CredentialPages.returnTo(ctx, ws).map(r -> "&return=" + Web.encode(r)).orElse(""));
    json(ctx, 200, body);
  }

  /**
   * How the round trip stands: {@code waiting}, {@code done} (with where to go) or {@code failed}.
   */
  private void progress(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    String ref = Optional.ofNullable(ctx.queryParam("ref")).orElse("");
    AuthorizationService.Tracked tracked =
        pages.services().authorizations().progress(visit.caller(), ref);
    if (!tracked.workspaceId().equals(ws.id())) {
      throw new NotFoundException("authorization", "with this reference");
    }
    json(
        ctx,
        200,
        outcome(
            visit,
            ws,
            tracked,
            Optional.ofNullable(ctx.queryParam("before")),
            CredentialPages.returnTo(ctx, ws)));
  }

  /**
   * The round trip's outcome for the page's script; a new credential made from the flow designer
   * goes back there ({@code returnTo}), chosen for the step.
   */
  private ObjectNode outcome(
      Visit visit,
      Workspace ws,
      AuthorizationService.Tracked tracked,
      Optional<String> before,
      Optional<String> returnTo) {
    ObjectNode body = JSON.createObjectNode();
    String base = "/w/" + ws.id() + "/credentials/";
    switch (tracked.progress()) {
      case Progress.Waiting w -> body.put("status", "waiting");
      // The callback is saving (or re-authenticating) the credential.
      case Progress.CodeReceived c -> body.put("status", "waiting");
      case Progress.Saved s -> {
        boolean reconnect = tracked.credentialId().isPresent();
        body.put("status", "done");
        body.put(
            "href",
            returnTo.isPresent() && !reconnect
                ? returnTo.get() + "?credential=" + s.credentialId() + "&notice=credential_saved"
                : base
                    + s.credentialId()
                    + (reconnect ? "?notice=reconnected" : "?notice=authenticated"));
        Credential saved =
            pages
                .services()
                .credentials()
                .get(visit.caller(), ws.id(), s.credentialId())
                .credential();
        String granted =
            reconnect
                ? "Reconnected: "
                    + scopeChange(before.filter(b -> !b.isBlank()), saved.scope())
                    + "."
                : "Connected.";
        body.put("message", granted + checked(visit, ws, saved));
      }
      case Progress.Redeemed r -> {
        body.put("status", "done");
        body.put("href", base.substring(0, base.length() - 1));
      }
      case Progress.Failed f -> {
        body.put("status", "failed");
        body.put("code", f.code());
        body.put("detail", f.detail());
      }
    }
    return body;
  }

  /**
   * Checks a credential that just authenticated when it has a verify request (its own or its
   * auth-client's), so that the person sees at once whether it works, and for which account.
   */
  private String checked(Visit visit, Workspace ws, Credential credential) {
    if (!pages.hasVerifyRequest(credential)) {
      return "";
    }
    var v =
        pages
            .services()
            .verifications()
            .verify(visit.caller(), ws.id(), credential.id())
            .verification();
    return (v.ok() ? " Verified: " : " The check failed: ") + v.detail() + ".";
  }

  /** Which scopes a re-authentication added and removed, in words. */
  static String scopeChange(Optional<String> before, Optional<String> after) {
    Set<String> was = scopes(before);
    Set<String> now = scopes(after);
    Set<String> added = new LinkedHashSet<>(now);
    added.removeAll(was);
    Set<String> removed = new LinkedHashSet<>(was);
    removed.removeAll(now);
    if (added.isEmpty() && removed.isEmpty()) {
      return "granted scopes unchanged: " + (now.isEmpty() ? "none named" : String.join(" ", now));
    }
    return "scopes added: "
        + (added.isEmpty() ? "none" : String.join(" ", added))
        + "; removed: "
        + (removed.isEmpty() ? "none" : String.join(" ", removed));
  }

  private static Set<String> scopes(Optional<String> scope) {
    Set<String> out = new LinkedHashSet<>();
    scope.ifPresent(s -> out.addAll(Arrays.asList(s.trim().split("[\\s,]+"))));
    out.remove("");
    return out;
  }

  /** A browser that went through the provider in this tab comes back here from the callback. */
  private void returned(Context ctx, Visit visit) {
    String ref = Optional.ofNullable(ctx.queryParam("ref")).orElse("");
    AuthorizationService.Tracked tracked =
        pages.services().authorizations().progress(visit.caller(), ref);
    Workspace ws = pages.services().tenancy().workspace(visit.caller(), tracked.workspaceId());
    ObjectNode outcome = outcome(visit, ws, tracked, Optional.empty(), Optional.empty());
    if (outcome.path("status").asText().equals("done")) {
      ctx.redirect(outcome.path("href").asText(), HttpStatus.SEE_OTHER);
      return;
    }
    pages
        .web()
        .error(
            ctx,
            outcome.path("status").asText().equals("waiting") ? 409 : 400,
            "Authentication not completed",
            outcome.path("detail").asText("the provider has not sent you back yet"));
  }

  private static boolean wantsJson(Context ctx) {
    String accept = ctx.header("Accept");
    return accept != null && accept.contains("application/json");
  }

  private static void json(Context ctx, int status, ObjectNode body) {
    ctx.status(status).contentType("application/json").result(body.toString());
  }
}
