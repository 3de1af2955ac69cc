package io.credflow.oauth;

import io.credflow.authclient.AuthClient;
import io.credflow.authclient.OAuthSettings;
import io.credflow.credential.Credential;
import io.credflow.credential.CredentialEvent;
import io.credflow.credential.CredentialSecrets;
import io.credflow.credential.EventLog;
import io.credflow.credential.IssuedTokens;
import io.credflow.credential.RefreshResult;
import io.credflow.credential.TokenLifecycle;
import io.credflow.tenancy.Caller;
import io.credflow.tenancy.Workspace;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/** OAuth2's part of a credential's life, as {@link TokenLifecycle} asks for it. */
public final class OAuthLifecycle implements TokenLifecycle {
  private final AuthorizationService authorizations;
  private final RefreshService refresher;
  private final RefreshSchedule schedule;
  private final OAuthProviders providers;
  private final EventLog events;
  private final Clock clock;

  public OAuthLifecycle(
      AuthorizationService authorizations,
      RefreshService refresher,
      RefreshSchedule schedule,
      OAuthProviders providers,
      EventLog events,
      Clock clock) {
    this.authorizations = authorizations;
    this.refresher = refresher;
    this.schedule = schedule;
    this.providers = providers;
    this.events = events;
    this.clock = clock;
  }

  @Override
  public IssuedTokens redeem(
      Caller caller,
      Workspace workspace,
      AuthClient authClient,
      String componentId,
      Optional<String> credentialId,
      String state,
      Optional<String> code) {
    return authorizations.redeem(
        caller, workspace, authClient, componentId, credentialId, state, code);
  }

  @Override
  public Credential fresh(Credential credential, AuthClient authClient) {
    return credential.type().isOAuth() ? refresher.fresh(credential) : credential;
  }

  @Override
  public RefreshResult refreshOnRequest(Credential credential, AuthClient authClient) {
    return refresher.attempt(
        credential.id(), new RefreshService.Trigger.Forced(credential.version()));
  }

  @Override
  public void saved(Credential credential, AuthClient authClient) {
    if (!(authClient.settings() instanceof OAuthSettings settings)) {
      return;
    }
    Instant now = clock.instant();
    schedule.schedule(
        credential.id(),
        refresher
            .policy()
            .nextRefresh(now, credential.expiresAt(), providers.of(settings).earliestRefresh(now)),
        now);
  }

  @Override
  public void deleting(Credential credential, AuthClient authClient) {
    if (!(authClient.settings() instanceof OAuthSettings settings)
        || !(credential.secrets() instanceof CredentialSecrets.Tokens tokens)) {
      return;
    }
    providers
        .of(settings)
        .revoke(tokens)
        .ifPresent(
            revoked ->
                events.record(
                    CredentialEvent.of(
                        credential,
                        revoked ? CredentialEvent.REVOKED : CredentialEvent.REVOCATION_FAILED,
                        revoked
                            ? "tokens revoked at the provider before deletion"
                            : "the provider did not confirm the revocation; the credential is"
                                + " purged anyway",
                        clock.instant())));
  }
}
