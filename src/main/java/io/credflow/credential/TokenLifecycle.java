package io.credflow.credential;

import io.credflow.authclient.AuthClient;
import io.credflow.tenancy.Caller;
import io.credflow.tenancy.Workspace;
import java.util.Optional;

/**
 * What OAuth2 adds to a credential's life: redeeming an Authenticate round trip, keeping tokens
 * fresh, and revoking them. Declared here, implemented by the OAuth layer, so that credentials do
 * not depend on it; {@link #NONE} serves where no OAuth is wired.
 */
public interface TokenLifecycle {
  /**
   * Exchanges the code of the authorization named by {@code state} for tokens, once. {@code code}
   * is the code the request brought, used when the callback recorded none.
   */
  IssuedTokens redeem(
      Caller caller,
      Workspace workspace,
      AuthClient authClient,
      String componentId,
      Optional<String> credentialId,
      String state,
      Optional<String> code);

  /** The credential with a token that outlives the refresh skew, refreshing it first if needed. */
  Credential fresh(Credential credential, AuthClient authClient);

  /** Refreshes now, joining any refresh of the credential already under way. */
  default Credential refreshNow(Credential credential, AuthClient authClient) {
    return refreshOnRequest(credential, authClient).credential();
  }

  /**
   * {@link #refreshNow}, saying what happened: a person asked, and is told whether new tokens came,
   * none were needed, the grant was refused or the provider failed.
   */
  RefreshResult refreshOnRequest(Credential credential, AuthClient authClient);

  /** After new tokens were stored: (re)schedules the proactive refresh. */
  void saved(Credential credential, AuthClient authClient);

  /** Before the credential is purged: revokes its refresh token where the provider allows. */
  void deleting(Credential credential, AuthClient authClient);

  /** No OAuth: saving from a round trip is refused, tokens are used as they are. */
  TokenLifecycle NONE =
      new TokenLifecycle() {
        @Override
        public IssuedTokens redeem(
            Caller caller,
            Workspace workspace,
            AuthClient authClient,
            String componentId,
            Optional<String> credentialId,
            String state,
            Optional<String> code) {
          throw new io.credflow.common.ValidationException(
              "credentials/state",
              "authorization_flow_unavailable",
              "this server has no OAuth2 flow wired: import tokens with access_token instead");
        }

        @Override
        public Credential fresh(Credential credential, AuthClient authClient) {
          return credential;
        }

        @Override
        public RefreshResult refreshOnRequest(Credential credential, AuthClient authClient) {
          return new RefreshResult(
              credential,
              new RefreshResult.Outcome.NotYet("this server has no OAuth2 refresh wired"));
        }

        @Override
        public void saved(Credential credential, AuthClient authClient) {}

        @Override
        public void deleting(Credential credential, AuthClient authClient) {}
      };
}
