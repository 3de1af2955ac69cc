package io.credflow.demo;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.PlainClientSecret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import io.credflow.common.Secret;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * {@code /token}: the {@code authorization_code} and (rotating) {@code refresh_token} grants for
 * the one demo client, which authenticates with {@code client_secret_basic} or {@code
 * client_secret_post}. Nimbus parses the request (form, grant, client authentication, PKCE
 * verifier) and writes the answer; {@link Grants} decides it.
 */
final class TokenEndpoint {
  /** Sent with every {@code invalid_client}, as RFC 6749 §5.2 asks. */
  static final String WWW_AUTHENTICATE = "Basic realm=\"credflow-demo\"";

  private final Grants grants;
  private final String clientId;
  private final Secret clientSecret;
  private final Addresses addresses;

  TokenEndpoint(Grants grants, String clientId, Secret clientSecret, Addresses addresses) {
    this.grants = grants;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.addresses = addresses;
  }

  void handle(Context ctx) {
    write(ctx, answer(ctx));
  }

  private TokenResponse answer(Context ctx) {
    TokenRequest request;
    try {
      request = TokenRequest.parse(httpRequest(ctx));
    } catch (ParseException e) {
      // Nimbus's message names the parameter at fault; its error object only says "invalid".
      return new TokenErrorResponse(
          Optional.ofNullable(e.getErrorObject())
              .orElse(OAuth2Error.INVALID_REQUEST)
              .setDescription(ErrorObject.removeIllegalChars(e.getMessage())));
    }
    ClientAuthentication client = request.getClientAuthentication();
    // Nimbus takes the Authorization header and ignores a secret in the form; RFC 6749 §2.3
    // allows one method per request, and a client sending two has a bug worth hearing about.
    if (client instanceof ClientSecretBasic && ctx.formParam("client_secret") != null) {
      return new TokenErrorResponse(
          OAuth2Error.INVALID_REQUEST.setDescription(
              "authenticate the client one way: HTTP Basic or client_secret in the form, not"
                  + " both"));
    }
    if (!authenticated(client)) {
      return new TokenErrorResponse(
          OAuth2Error.INVALID_CLIENT.setDescription(
              ErrorObject.removeIllegalChars(
                  "the demo client is "
                      + clientId
                      + ", authenticated by its secret with HTTP Basic or in the form")));
    }
    return switch (request.getAuthorizationGrant()) {
      case AuthorizationCodeGrant grant ->
          response(
              grants.redeem(
                  clientId,
                  grant.getAuthorizationCode().getValue(),
                  Optional.ofNullable(grant.getRedirectionURI()).map(Object::toString),
                  Optional.ofNullable(grant.getCodeVerifier()).map(CodeVerifier::getValue)));
      case RefreshTokenGrant grant ->
          response(
              grants.refresh(
                  clientId,
                  grant.getRefreshToken().getValue(),
                  Optional.ofNullable(request.getScope()).map(Scope::toStringList)));
      default ->
          new TokenErrorResponse(
              OAuth2Error.UNSUPPORTED_GRANT_TYPE.setDescription(
                  "the demo provider supports authorization_code and refresh_token"));
    };
  }

  private boolean authenticated(ClientAuthentication client) {
    return client instanceof PlainClientSecret plain
        && plain.getClientID().getValue().equals(clientId)
        && Secret.of(plain.getClientSecret().getValue()).sameAs(clientSecret);
  }

  private static TokenResponse response(Grants.Outcome outcome) {
    return switch (outcome) {
      case Grants.Issued issued ->
          new AccessTokenResponse(
              new Tokens(
                  new BearerAccessToken(
                      issued.accessToken().reveal(),
                      issued.expiresIn().toSeconds(),
                      new Scope(issued.scope().toArray(String[]::new))),
                  new RefreshToken(issued.refreshToken().reveal())));
      case Grants.Refused refused ->
          new TokenErrorResponse(
              new ErrorObject(
                  refused.error(), ErrorObject.removeIllegalChars(refused.description()), 400));
    };
  }

  private HTTPRequest httpRequest(Context ctx) throws ParseException {
    HTTPRequest request = new HTTPRequest(HTTPRequest.Method.POST, addresses.endpoint("token"));
    Optional.ofNullable(ctx.header("Content-Type")).ifPresent(type -> contentType(request, type));
    Optional.ofNullable(ctx.header("Authorization"))
        .ifPresent(value -> request.setHeader("Authorization", value));
    request.setBody(ctx.body());
    return request;
  }

  private static void contentType(HTTPRequest request, String type) {
    try {
      request.setContentType(type);
    } catch (ParseException e) {
      // Left unset: TokenRequest.parse then refuses the request as not being a form.
    }
  }

  private static void write(Context ctx, TokenResponse response) {
    HTTPResponse http = response.toHTTPResponse();
    if (http.getStatusCode() == 401) {
      ctx.header("WWW-Authenticate", WWW_AUTHENTICATE);
    }
    http.getHeaderMap().forEach((name, values) -> ctx.header(name, String.join(", ", values)));
    ctx.status(http.getStatusCode()).result(http.getBody());
  }
}
