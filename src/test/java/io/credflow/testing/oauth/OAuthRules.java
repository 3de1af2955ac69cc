package io.credflow.testing.oauth;

import io.credflow.testing.oauth.FakeHttp.Incoming;
import io.credflow.testing.oauth.FakeHttp.Reply;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The checks of {@link FakeOAuthProvider} that follow an RFC to the letter: client authentication
 * (RFC 6749 §2.3.1), PKCE (RFC 7636, RFC 9700 §2.1.1) and error responses (RFC 6749 §5.2).
 */
final class OAuthRules {
  static final Map<String, String> NO_STORE =
      Map.of("Cache-Control", "no-store", "Pragma", "no-cache");

  private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");

  private OAuthRules() {}

  /** An OAuth error response on its way out of the protocol logic. */
  static final class OAuthFailure extends RuntimeException {
    private final int status;
    private final String error;

    OAuthFailure(int status, String error, String description) {
      super(description, null, false, false);
      this.status = status;
      this.error = error;
    }

    Reply reply() {
      Map<String, String> headers = new LinkedHashMap<>(NO_STORE);
      if (status == 401) {
        headers.put("WWW-Authenticate", "Basic realm=\"fake-oauth\"");
      }
      return Reply.json(status, error(error, getMessage()), headers);
    }
  }

  static Map<String, Object> error(String error, String description) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error);
    body.put("error_description", description);
    return body;
  }

  /**
   * Authenticates the one registered client by {@code client_secret_basic} or {@code
   * client_secret_post}, never both.
   *
   * @throws OAuthFailure 401 {@code invalid_client} or 400 {@code invalid_request}
   */
  static void authenticateClient(Incoming in, String clientId, String clientSecret) {
    Optional<String> header = in.recorded().authorization();
    boolean post = in.params().containsKey("client_secret");
    String[] idAndSecret;
    if (header.isPresent()) {
      if (!header.get().regionMatches(true, 0, "Basic ", 0, 6)) {
        throw new OAuthFailure(401, "invalid_client", "unsupported Authorization scheme");
      }
      if (post) {
        throw new OAuthFailure(
            400, "invalid_request", "more than one client authentication method");
      }
      idAndSecret = decodeBasic(header.get().substring(6).trim());
      String formId = in.params().get("client_id");
      if (formId != null && !formId.equals(idAndSecret[0])) {
        throw new OAuthFailure(400, "invalid_request", "client_id differs from Basic credentials");
      }
    } else if (post) {
      idAndSecret = new String[] {in.param("client_id"), in.param("client_secret")};
    } else {
      throw new OAuthFailure(401, "invalid_client", "client authentication required");
    }
    if (!idAndSecret[0].equals(clientId) || !idAndSecret[1].equals(clientSecret)) {
      throw new OAuthFailure(401, "invalid_client", "client authentication failed");
    }
  }

  /** Base64, split at the first colon, then form-urldecode each half. */
  private static String[] decodeBasic(String credentials) {
    try {
      String decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new OAuthFailure(401, "invalid_client", "Basic credentials without a colon");
      }
      return new String[] {
        URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
        URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)
      };
    } catch (IllegalArgumentException e) {
      // Bad Base64, or a raw '%' that is no escape: the client did not form-urlencode.
      throw new OAuthFailure(401, "invalid_client", "malformed Basic credentials");
    }
  }

  /**
   * Checks a token request's verifier against the challenge its code is bound to.
   *
   * @throws OAuthFailure 400 {@code invalid_grant}
   */
  static void checkPkce(Optional<String> challenge, Optional<String> verifier) {
    if (challenge.isEmpty()) {
      // A verifier without a challenge is refused: it would hide a PKCE downgrade.
      if (verifier.isPresent()) {
        throw new OAuthFailure(400, "invalid_grant", "code_verifier without code_challenge");
      }
      return;
    }
    String v =
        verifier.orElseThrow(
            () -> new OAuthFailure(400, "invalid_grant", "code_verifier is required"));
    if (!VERIFIER.matcher(v).matches()) {
      throw new OAuthFailure(400, "invalid_grant", "code_verifier is malformed");
    }
    if (!s256(v).equals(challenge.get())) {
      throw new OAuthFailure(400, "invalid_grant", "code_verifier does not match code_challenge");
    }
  }

  /** BASE64URL(SHA-256(ASCII(verifier))), RFC 7636 §4.2. */
  static String s256(String verifier) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
