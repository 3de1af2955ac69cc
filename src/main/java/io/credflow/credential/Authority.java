package io.credflow.credential;

import io.credflow.authclient.AuthClient;
import io.credflow.common.SecretMask;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A ready credential, its auth-client, the authorization its requests carry and the mask of every
 * form of that authorization's secret (built once here, so that a request that masks what an
 * upstream echoes does not compile it again). Prints without a secret: every part masks its own.
 */
public record Authority(
    Credential credential, Authorization authorization, AuthClient authClient, SecretMask mask) {
  /** The authority of {@code credential} of {@code authClient}, by the credential's type. */
  static Authority of(Credential credential, AuthClient authClient) {
    Authorization authorization = Authorizer.of(credential, authClient);
    return new Authority(credential, authorization, authClient, maskOf(credential, authorization));
  }

  /**
   * The values a request made with {@code authorization} carries: a header's whole value and what
   * follows its scheme ({@code Bearer TOKEN}, {@code Basic BASE64}), a query parameter's value, and
   * for a basic credential the {@code user:password} pair and the password alone. {@link
   * SecretMask} adds their URL-encoded and base64 forms and matches any letter case.
   */
  static SecretMask maskOf(Credential credential, Authorization authorization) {
    List<String> values = new ArrayList<>();
    switch (authorization) {
      case Authorization.None none -> {}
      case Authorization.Header h -> {
        String value = h.value().reveal();
        values.add(value);
        int space = value.indexOf(' ');
        if (space > 0) {
          values.add(value.substring(space + 1).strip());
        }
      }
      case Authorization.QueryParameter q -> values.add(q.value().reveal());
    }
    if (credential.secrets() instanceof CredentialSecrets.Basic b) {
      String pair = b.username() + ":" + b.password().reveal();
      values.add(pair);
      values.add(b.password().reveal());
      values.add(Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
    return SecretMask.of(values);
  }
}
