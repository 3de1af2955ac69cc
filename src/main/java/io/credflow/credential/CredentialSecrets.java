package io.credflow.credential;

import io.credflow.common.Secret;
import java.util.Optional;

/** The secret part of a credential, one record per kind; stored only encrypted. */
public sealed interface CredentialSecrets {
  /** {@code noauth}: nothing secret. */
  record None() implements CredentialSecrets {}

  /** {@code basic}: a user name and its password. */
  record Basic(String username, Secret password) implements CredentialSecrets {}

  /** {@code api_key}: the credential's own key, or empty to use the auth-client's shared key. */
  record ApiKey(Optional<Secret> value) implements CredentialSecrets {}

  /** {@code oauth2} and {@code oauth2_instagram}: the tokens. */
  record Tokens(Secret accessToken, Optional<Secret> refreshToken) implements CredentialSecrets {}
}
