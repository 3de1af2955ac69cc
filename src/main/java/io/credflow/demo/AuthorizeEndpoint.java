package io.credflow.demo;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationErrorResponse;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseMode;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import io.javalin.http.Context;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code /authorize}: validates the request, shows the sign-in and consent page, and redirects the
 * user's answer to the client. Nimbus parses the request and writes the redirects; the checks that
 * decide whether a redirect may happen at all (client, redirect URI) come first and are this
 * class's own.
 */
final class AuthorizeEndpoint {
  static final String DEFAULT_ACCOUNT = "demo-user";
  static final int MAX_ACCOUNT_LENGTH = 64;

  /** BASE64URL(SHA-256(verifier)) is 43 characters (RFC 7636 §4.2). */
  private static final Pattern S256_CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");

  private final Grants grants;
  private final String clientId;
  private final Addresses addresses;

  AuthorizeEndpoint(Grants grants, String clientId, Addresses addresses) {
    this.grants = grants;
    this.clientId = clientId;
    this.addresses = addresses;
  }

  /** {@code GET}: the consent page, or why not. */
  void show(Context ctx) {
    Map<String, List<String>> params = ctx.queryParamMap();
    // Until client and redirect URI are known good, a redirect could send the user anywhere
    // (an open redirector): the answer is a page (RFC 6749 §4.1.2.1).
    if (!one(params, "client_id").equals(Optional.of(clientId))) {
      Pages.error(
          ctx,
          400,
          "Unknown client",
          "client_id "
              + described(params.get("client_id"))
              + " is not a client of the demo provider; its one client is "
              + clientId
              + ".",
          addresses);
      return;
    }
    URI redirectUri = addresses.redirectUri();
    if (!one(params, "redirect_uri").equals(Optional.of(redirectUri.toString()))) {
      Pages.error(
          ctx,
          400,
          "Unregistered redirect URI",
          "redirect_uri "
              + described(params.get("redirect_uri"))
              + " is not registered; the demo client's one redirect URI is "
              + redirectUri
              + ".",
          addresses);
      return;
    }
    AuthorizationRequest request;
    try {
      request = AuthorizationRequest.parse(params);
    } catch (ParseException e) {
      redirect(
          ctx,
          new AuthorizationErrorResponse(
                  redirectUri,
                  Optional.ofNullable(e.getErrorObject()).orElse(OAuth2Error.INVALID_REQUEST),
                  e.getState(),
                  ResponseMode.QUERY)
              .toURI());
      return;
    }
    Optional<ErrorObject> problem = problem(request);
    if (problem.isPresent()) {
      redirect(
          ctx,
          new AuthorizationErrorResponse(
                  redirectUri, problem.get(), request.getState(), ResponseMode.QUERY)
              .toURI());
      return;
    }
    List<String> scopes =
        request.getScope() == null ? DemoScope.DEFAULT : request.getScope().toStringList();
    String reference =
        grants.hold(
            new Grants.Request(
                clientId,
                redirectUri.toString(),
                request.getState().getValue(),
                scopes,
                request.getCodeChallenge().getValue()));
    Pages.consent(
        ctx,
        new ConsentPage(
            clientId,
            reference,
            DEFAULT_ACCOUNT,
            scopes.stream()
                .map(s -> new ConsentPage.Choice(s, DemoScope.of(s).orElseThrow().description))
                .toList(),
            redirectUri.toString(),
            addresses.path(Addresses.BASE_PATH + "/authorize"),
            addresses.path(Addresses.STYLESHEET_PATH)),
        addresses);
  }

  /** {@code POST}: the user's answer, sent on to the client. */
  void answer(Context ctx) {
    String reference = Optional.ofNullable(ctx.formParam("request")).orElse("");
    Optional<Grants.Request> pending = grants.pending(reference);
    if (pending.isEmpty()) {
      Pages.error(
          ctx,
          400,
          "Sign-in request expired",
          "This sign-in request is unknown, was already answered, or waited longer than "
              + Grants.PENDING_LIFETIME.toMinutes()
              + " minutes.",
          addresses);
      return;
    }
    String decision = Optional.ofNullable(ctx.formParam("decision")).orElse("");
    switch (decision) {
      case "deny" -> deny(ctx, reference);
      case "allow" -> allow(ctx, reference, pending.get());
      default ->
          Pages.error(
              ctx,
              400,
              "No answer",
              "The form carried no decision: go back and choose Allow or Deny.",
              addresses);
    }
  }

  private void deny(Context ctx, String reference) {
    Optional<Grants.Request> taken = grants.take(reference);
    if (taken.isEmpty()) {
      answered(ctx);
      return;
    }
    redirect(
        ctx,
        new AuthorizationErrorResponse(
                URI.create(taken.get().redirectUri()),
                OAuth2Error.ACCESS_DENIED.setDescription(
                    "the user denied access at the demo provider"),
                new State(taken.get().state()),
                ResponseMode.QUERY)
            .toURI());
  }

  private void allow(Context ctx, String reference, Grants.Request request) {
    String account = Optional.ofNullable(ctx.formParam("account")).orElse("").strip();
    if (account.isEmpty()
        || account.length() > MAX_ACCOUNT_LENGTH
        || account.chars().anyMatch(Character::isISOControl)) {
      // The request still waits: going back and correcting the name works.
      Pages.error(
          ctx,
          400,
          "Account name needed",
          "The account name must be 1 to "
              + MAX_ACCOUNT_LENGTH
              + " characters: go back and enter another.",
          addresses);
      return;
    }
    // Only boxes of what was asked count: a forged form cannot widen the grant.
    List<String> checked = ctx.formParams("scope");
    List<String> granted = request.scopes().stream().filter(checked::contains).toList();
    Optional<Grants.Request> taken = grants.take(reference);
    if (taken.isEmpty()) {
      answered(ctx);
      return;
    }
    String code = grants.issueCode(taken.get(), account, granted);
    redirect(
        ctx,
        new AuthorizationSuccessResponse(
                URI.create(request.redirectUri()),
                new AuthorizationCode(code),
                null,
                new State(request.state()),
                ResponseMode.QUERY)
            .toURI());
  }

  /** Two answers raced for one request (a double click): the other one was sent. */
  private void answered(Context ctx) {
    Pages.error(
        ctx,
        400,
        "Already answered",
        "This sign-in request was already answered; its answer went back to Credflow.",
        addresses);
  }

  /** What makes a well-formed request one this provider will not serve, if anything. */
  private static Optional<ErrorObject> problem(AuthorizationRequest request) {
    if (!ResponseType.CODE.equals(request.getResponseType())) {
      return Optional.of(
          OAuth2Error.UNSUPPORTED_RESPONSE_TYPE.setDescription(
              "the demo provider supports response_type=code only"));
    }
    if (request.getState() == null) {
      return Optional.of(
          OAuth2Error.INVALID_REQUEST.setDescription(
              "state is required: it is how the client recognizes its own request"));
    }
    if (request.getCodeChallenge() == null
        || !CodeChallengeMethod.S256.equals(request.getCodeChallengeMethod())) {
      return Optional.of(
          OAuth2Error.INVALID_REQUEST.setDescription(
              "PKCE is required: send code_challenge with code_challenge_method=S256"));
    }
    if (!S256_CHALLENGE.matcher(request.getCodeChallenge().getValue()).matches()) {
      return Optional.of(
          OAuth2Error.INVALID_REQUEST.setDescription(
              "code_challenge must be BASE64URL(SHA-256(code_verifier)), 43 characters"));
    }
    if (request.getScope() != null) {
      List<String> unknown =
          request.getScope().toStringList().stream()
              .filter(s -> DemoScope.of(s).isEmpty())
              .toList();
      if (!unknown.isEmpty()) {
        return Optional.of(
            OAuth2Error.INVALID_SCOPE.setDescription(
                // The request's own words, less what an error description may not carry.
                ErrorObject.removeIllegalChars(
                    "unknown scope "
                        + String.join(" ", unknown)
                        + "; the demo provider knows "
                        + String.join(" ", DemoScope.names()))));
      }
    }
    return Optional.empty();
  }

  private static Optional<String> one(Map<String, List<String>> params, String name) {
    List<String> values = params.getOrDefault(name, List.of());
    return values.size() == 1 ? Optional.of(values.getFirst()) : Optional.empty();
  }

  private static String described(List<String> values) {
    if (values == null || values.isEmpty()) {
      return "(missing)";
    }
    return values.size() == 1
        ? "\"" + values.getFirst() + "\""
        : values + " (given " + values.size() + " times)";
  }

  private static void redirect(Context ctx, URI location) {
    ctx.status(302).header("Location", location.toString());
  }
}
