package io.credflow.credential;

import io.credflow.authclient.ApiKeySettings;
import io.credflow.authclient.AuthClient;
import io.credflow.common.Secret;
import io.credflow.component.AuthClientType;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Turns a credential and its auth-client into the authorization its requests carry: one strategy
 * per auth-client type, chosen by the closed type.
 */
@FunctionalInterface
public interface Authorizer {
  Authorization authorize(Credential credential, AuthClient authClient);

  /** The strategy for {@code type}. */
  static Authorizer forType(AuthClientType type) {
    return switch (type) {
      case NOAUTH -> (c, a) -> new Authorization.None();
      case BASIC -> Authorizer::basic;
      case API_KEY -> Authorizer::apiKey;
      case OAUTH2 -> Authorizer::bearer;
      case OAUTH2_INSTAGRAM -> Authorizer::instagram;
    };
  }

  /**
   * The authorization of {@code credential}, by its type.
   *
   * @throws io.credflow.common.ConflictException {@code credential_not_ready} when its secrets
   *     cannot be read: there is nothing to authorize with
   */
  static Authorization of(Credential credential, AuthClient authClient) {
    if (credential.secretsUnreadable()) {
      CredentialLookup.requireReady(credential);
    }
    return forType(credential.type()).authorize(credential, authClient);
  }

  /**
   * The shape of a credential's authorization with every value masked, for reads; needs the
   * auth-client only for {@code api_key} (its header name and placement).
   */
  static Authorization masked(Credential c, java.util.Optional<AuthClient> authClient) {
    Secret mask = Secret.of(Secret.MASK);
    return switch (c.type()) {
      case NOAUTH -> new Authorization.None();
      case BASIC -> new Authorization.Header("Authorization", mask, "Basic " + Secret.MASK);
      case OAUTH2 -> new Authorization.Header("Authorization", mask, "Bearer " + Secret.MASK);
      case OAUTH2_INSTAGRAM -> new Authorization.QueryParameter("access_token", mask);
      case API_KEY -> {
        ApiKeySettings s =
            (ApiKeySettings)
                authClient
                    .orElseThrow(() -> new IllegalStateException("api_key needs its auth-client"))
                    .settings();
        yield switch (s.in()) {
          case HEADER -> new Authorization.Header(s.name(), mask, Secret.MASK);
          case QUERY -> new Authorization.QueryParameter(s.name(), mask);
        };
      }
    };
  }

  private static Authorization basic(Credential c, AuthClient a) {
    if (!(c.secrets() instanceof CredentialSecrets.Basic b)) {
      throw new IllegalStateException("credential " + c.id() + " has no basic secrets");
    }
    String pair = b.username() + ":" + b.password().reveal();
    String encoded = Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    return new Authorization.Header(
        "Authorization", Secret.of("Basic " + encoded), "Basic " + Secret.MASK);
  }

  private static Authorization apiKey(Credential c, AuthClient a) {
    if (!(c.secrets() instanceof CredentialSecrets.ApiKey k)
        || !(a.settings() instanceof ApiKeySettings s)) {
      throw new IllegalStateException("credential " + c.id() + " has no api_key secrets");
    }
    Secret value =
        k.value()
            .or(s::value)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "credential "
                            + c.id()
                            + " has no key and auth-client "
                            + a.id()
                            + " shares none"));
    return switch (s.in()) {
      case HEADER -> new Authorization.Header(s.name(), value, Secret.MASK);
      case QUERY -> new Authorization.QueryParameter(s.name(), value);
    };
  }

  private static Authorization bearer(Credential c, AuthClient a) {
    Secret token = accessToken(c);
    return new Authorization.Header(
        "Authorization", Secret.of("Bearer " + token.reveal()), "Bearer " + Secret.MASK);
  }

  private static Authorization instagram(Credential c, AuthClient a) {
    return new Authorization.QueryParameter("access_token", accessToken(c));
  }

  private static Secret accessToken(Credential c) {
    if (!(c.secrets() instanceof CredentialSecrets.Tokens t)) {
      throw new IllegalStateException("credential " + c.id() + " has no tokens");
    }
    return t.accessToken();
  }
}
