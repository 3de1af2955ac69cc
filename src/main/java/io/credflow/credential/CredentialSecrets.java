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

  /**
   * Secrets stored for a credential of any type that this server cannot decrypt (another keyset, an
   * altered ciphertext). Such a credential is in error and authorizes nothing; it can be renamed,
   * deleted, or given new secrets, and its stored ciphertext is never overwritten otherwise.
   */
  record Unreadable() implements CredentialSecrets {
    /** The code of the error such a credential is in. */
    public static final String CODE = "secrets_unreadable";
  }
}
