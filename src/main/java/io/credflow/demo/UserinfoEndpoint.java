package io.credflow.demo;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.Subject;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.BearerTokenError;
import com.nimbusds.openid.connect.sdk.UserInfoErrorResponse;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.UserInfoSuccessResponse;
import com.nimbusds.openid.connect.sdk.claims.UserInfo;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * {@code /userinfo}: a protected resource answering who an access token speaks for, so that
 * Credflow's Verify has something to call. Errors are RFC 6750's: {@code invalid_token} in {@code
 * WWW-Authenticate}.
 */
final class UserinfoEndpoint {
  private final Grants grants;

  UserinfoEndpoint(Grants grants) {
    this.grants = grants;
  }

  void handle(Context ctx) {
    HTTPResponse http = answer(Optional.ofNullable(ctx.header("Authorization"))).toHTTPResponse();
    http.getHeaderMap().forEach((name, values) -> ctx.header(name, String.join(", ", values)));
    ctx.status(http.getStatusCode());
    Optional.ofNullable(http.getBody()).ifPresent(ctx::result);
  }

  private UserInfoResponse answer(Optional<String> authorization) {
    if (authorization.isEmpty()) {
      return new UserInfoErrorResponse(BearerTokenError.MISSING_TOKEN);
    }
    BearerAccessToken token;
    try {
      token = BearerAccessToken.parse(authorization.get());
    } catch (ParseException e) {
      return new UserInfoErrorResponse(BearerTokenError.INVALID_REQUEST);
    }
    return grants
        .holder(token.getValue())
        .<UserInfoResponse>map(
            holder -> {
              UserInfo info = new UserInfo(new Subject(holder.subject()));
              info.setName(holder.subject());
              info.setClaim("scope", String.join(" ", holder.scope()));
              return new UserInfoSuccessResponse(info);
            })
        .orElseGet(
            () ->
                new UserInfoErrorResponse(
                    BearerTokenError.INVALID_TOKEN.setDescription(
                        "the access token is unknown, expired or revoked")));
  }
}
