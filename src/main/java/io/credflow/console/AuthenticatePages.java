package io.credflow.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.authclient.AuthClient;
import io.credflow.common.NotFoundException;
import io.credflow.common.Secret;
import io.credflow.common.ValidationException;
import io.credflow.credential.Credential;
import io.credflow.credential.CredentialInput;
import io.credflow.credential.CredentialService;
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
 * went through it in the same tab. A new credential is saved by the callback itself (it carries the
 * name); a reconnect's code is redeemed here, keeping the credential's id.
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
                      credentialId.isPresent()
                          ? Optional.empty()
                          : Optional.of(Optional.ofNullable(ctx.formParam("name")).orElse(""))));
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
    body.put("authorize_url", started.authorizeUrl().toString());
    body.put("state", started.state().reveal());
    body.put("provider", client.name());
    body.put("progress", "/w/" + ws.id() + "/authorize/progress");
    json(ctx, 200, body);
  }

  /**
   * How the round trip stands: {@code waiting}, {@code done} (with where to go) or {@code failed}.
   */
  private void progress(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    Secret state = Secret.of(Optional.ofNullable(ctx.queryParam("state")).orElse(""));
    AuthorizationService.Tracked tracked =
        pages.services().authorizations().progress(visit.caller(), state);
    if (!tracked.workspaceId().equals(ws.id())) {
      throw new NotFoundException("authorization", "with this state");
    }
    json(ctx, 200, outcome(visit, ws, tracked, state));
  }

  private ObjectNode outcome(
      Visit visit, Workspace ws, AuthorizationService.Tracked tracked, Secret state) {
    ObjectNode body = JSON.createObjectNode();
    String base = "/w/" + ws.id() + "/credentials/";
    switch (tracked.progress()) {
      case Progress.Waiting w -> body.put("status", "waiting");
      case Progress.Saved s -> {
        body.put("status", "done");
        body.put("href", base + s.credentialId() + "?notice=authenticated");
        Credential saved =
            pages.services().credentials().get(visit.caller(), ws.id(), s.credentialId()).credential();
        body.put(
            "message",
            "Connected. Granted scopes: "
                + saved.scope().orElse("none named by the provider")
                + "."
                + checked(visit, ws, s.credentialId()));
      }
      case Progress.CodeReceived c when c.credentialId().isPresent() -> {
        String id = c.credentialId().get();
        CredentialService credentials = pages.services().credentials();
        Optional<String> before = credentials.get(visit.caller(), ws.id(), id).credential().scope();
        try {
          Credential after =
              credentials
                  .update(
                      visit.caller(),
                      ws.id(),
                      id,
                      new CredentialService.Change(
                          Optional.empty(),
                          Optional.of(
                              (settings, stored) ->
                                  new CredentialInput.Authenticate(state, Optional.empty()))))
                  .credential();
          body.put("status", "done");
          body.put("href", base + id + "?notice=reconnected");
          body.put(
              "message",
              "Reconnected: "
                  + scopeChange(before, after.scope())
                  + "."
                  + checked(visit, ws, id));
        } catch (ValidationException | io.credflow.common.UpstreamException e) {
          body.put("status", "failed");
          body.put("detail", e.getMessage());
        }
      }
      case Progress.CodeReceived c -> {
        body.put("status", "failed");
        body.put("detail", "the authorization came back without a credential to save it in");
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
  private String checked(Visit visit, Workspace ws, String credentialId) {
    CredentialService.View view =
        pages.services().credentials().get(visit.caller(), ws.id(), credentialId);
    boolean hasRequest =
        view.credential().verifyRequest().isPresent()
            || pages
                .services()
                .authClients()
                .findUnchecked(view.credential().authClientId())
                .flatMap(a -> a.settings().verifyRequest())
                .isPresent();
    if (!hasRequest) {
      return "";
    }
    var v =
        pages.services().verifications().verify(visit.caller(), ws.id(), credentialId).verification();
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
    return scope
        .map(s -> new LinkedHashSet<>(Arrays.asList(s.trim().split("[\\s,]+"))))
        .map(s -> (Set<String>) s)
        .orElse(Set.of())
        .stream()
        .filter(x -> !x.isEmpty())
        .collect(java.util.stream.Collectors.toCollection(LinkedHashSet::new));
  }

  /** A browser that went through the provider in this tab comes back here from the callback. */
  private void returned(Context ctx, Visit visit) {
    Secret state = Secret.of(Optional.ofNullable(ctx.queryParam("state")).orElse(""));
    AuthorizationService.Tracked tracked =
        pages.services().authorizations().progress(visit.caller(), state);
    Workspace ws = pages.services().tenancy().workspace(visit.caller(), tracked.workspaceId());
    ObjectNode outcome = outcome(visit, ws, tracked, state);
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
