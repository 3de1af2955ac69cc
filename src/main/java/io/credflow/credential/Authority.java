package io.credflow.credential;

/**
 * A ready credential and the authorization its requests carry. Prints without a secret: both parts
 * mask theirs.
 */
public record Authority(Credential credential, Authorization authorization) {
  /** The authority of {@code credential} of {@code authClient}, by the credential's type. */
  static Authority of(Credential credential, io.credflow.authclient.AuthClient authClient) {
    return new Authority(credential, Authorizer.of(credential, authClient));
  }
}
