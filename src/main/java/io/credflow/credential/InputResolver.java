package io.credflow.credential;

import io.credflow.authclient.AuthClient;
import io.credflow.common.Secret;
import io.credflow.tenancy.Caller;
import io.credflow.tenancy.Workspace;
import java.time.Clock;
import java.util.Optional;

/**
 * Turns a request's {@link CredentialInput} into {@link NewSecrets}: imported tokens expire from
 * now, and the state of a round trip is redeemed for tokens here, once.
 */
final class InputResolver {
  private final TokenLifecycle lifecycle;
  private final Clock clock;

  InputResolver(TokenLifecycle lifecycle, Clock clock) {
    this.lifecycle = lifecycle;
    this.clock = clock;
  }

  /**
   * Reads {@code source} for {@code authClient} and resolves it; {@code current} is the credential
   * being changed, if any (its basic user name stays unless a new one is sent).
   */
  NewSecrets resolve(
      Caller caller,
      Workspace ws,
      AuthClient authClient,
      String componentId,
      Optional<Credential> current,
      CredentialInput.Source source) {
    Optional<String> storedUsername =
        current
            .map(Credential::secrets)
            .filter(CredentialSecrets.Basic.class::isInstance)
            .map(b -> ((CredentialSecrets.Basic) b).username());
    return switch (source.read(authClient.settings(), storedUsername)) {
      case CredentialInput.None n -> new NewSecrets(new CredentialSecrets.None());
      case CredentialInput.Basic b ->
          new NewSecrets(new CredentialSecrets.Basic(b.username(), b.password()));
      case CredentialInput.ApiKey k -> new NewSecrets(new CredentialSecrets.ApiKey(k.value()));
      case CredentialInput.Tokens t ->
          new NewSecrets(
              new CredentialSecrets.Tokens(t.accessToken(), t.refreshToken()),
              Optional.of(clock.instant().plusSeconds(t.expiresIn())),
              t.scope(),
              false);
      case CredentialInput.Authenticate a ->
          NewSecrets.authenticated(
              lifecycle.redeem(
                  caller,
                  ws,
                  authClient,
                  componentId,
                  current.map(Credential::id),
                  a.state().reveal(),
                  a.code().map(Secret::reveal)));
    };
  }
}
