package io.credflow.oauth;

import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import io.credflow.common.Secret;

/** PKCE (RFC 7636) with S256: a fresh verifier per authorization and its challenge. */
public final class Pkce {
  private Pkce() {}

  /** A new verifier: 43 characters of base64url from 256 random bits. */
  public static Secret newVerifier() {
    return Secret.of(new CodeVerifier().getValue());
  }

  /** BASE64URL(SHA-256(verifier)). */
  public static String challenge(Secret verifier) {
    return CodeChallenge.compute(CodeChallengeMethod.S256, new CodeVerifier(verifier.reveal()))
        .getValue();
  }
}
