package io.credflow.credential;

import io.credflow.authclient.AuthClient;
import io.credflow.authclient.AuthClientService;
import io.credflow.common.ConflictException;
import io.credflow.common.NotFoundException;
import io.credflow.tenancy.Caller;
import io.credflow.tenancy.TenancyService;
import io.credflow.tenancy.Workspace;

/**
 * What every use of a stored credential starts with: finding it within the caller's workspace, its
 * auth-client, the refresh a token within the refresh skew needs before use, and the check that it
 * is ready. Shared by the credential service and the request authorities.
 */
final class CredentialLookup {
  private final CredentialRepository repository;
  private final AuthClientService authClients;
  private final TenancyService tenancy;
  private final TokenLifecycle lifecycle;

  CredentialLookup(
      CredentialRepository repository,
      AuthClientService authClients,
      TenancyService tenancy,
      TokenLifecycle lifecycle) {
    this.repository = repository;
    this.authClients = authClients;
    this.tenancy = tenancy;
    this.lifecycle = lifecycle;
  }

  /**
   * The credential {@code id} of workspace {@code workspaceId}, when the caller has a role there.
   */
  Credential find(Caller caller, String workspaceId, String id) {
    Workspace ws = tenancy.workspace(caller, workspaceId);
    return repository
        .find(id)
        .filter(c -> c.workspaceId().equals(ws.id()))
        .orElseThrow(() -> new NotFoundException("credential", id));
  }

  AuthClient authClientOf(Credential c) {
    return authClients
        .findUnchecked(c.authClientId())
        .orElseThrow(() -> new IllegalStateException("auth-client of credential " + c.id()));
  }

  /**
   * An OAuth2 credential whose token is within the refresh skew, refreshed; others as they are. One
   * whose secrets cannot be read has no refresh token to send.
   */
  Credential freshened(Credential c, AuthClient authClient) {
    return c.type().isOAuth() && c.state() != CredentialState.NEEDS_REAUTH && !c.secretsUnreadable()
        ? lifecycle.fresh(c, authClient)
        : c;
  }

  static void requireReady(Credential credential) {
    if (credential.state() != CredentialState.READY) {
      String why =
          credential.error().map(CredentialError::detail).orElse("it is " + credential.state());
      throw new ConflictException(
          "credential_not_ready",
          "credential " + credential.id() + " is " + credential.state().wireName() + ": " + why);
    }
  }
}
