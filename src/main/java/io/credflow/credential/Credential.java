package io.credflow.credential;

import io.credflow.component.AuthClientType;
import java.time.Instant;
import java.util.Optional;

/**
 * A credential. {@code version} grows with every write; every update is a compare-and-set on it, so
 * two writers never overwrite each other unseen.
 */
public record Credential(
    String id,
    String workspaceId,
    String authClientId,
    String componentId,
    String name,
    AuthClientType type,
    CredentialState state,
    Optional<CredentialError> error,
    Optional<Instant> expiresAt,
    Optional<String> scope,
    CredentialSecrets secrets,
    String createdBy,
    long version,
    Instant createdAt,
    Instant updatedAt,
    long seq) {

  public boolean hasRefreshToken() {
    return secrets instanceof CredentialSecrets.Tokens t && t.refreshToken().isPresent();
  }

  public Credential withName(String newName) {
    return new Credential(
        id,
        workspaceId,
        authClientId,
        componentId,
        newName,
        type,
        state,
        error,
        expiresAt,
        scope,
        secrets,
        createdBy,
        version,
        createdAt,
        updatedAt,
        seq);
  }

  /** The same credential in another state (an error explains every state but ready). */
  public Credential withState(CredentialState newState, Optional<CredentialError> newError) {
    return new Credential(
        id,
        workspaceId,
        authClientId,
        componentId,
        name,
        type,
        newState,
        newError,
        expiresAt,
        scope,
        secrets,
        createdBy,
        version,
        createdAt,
        updatedAt,
        seq);
  }

  /** Whether the access token expires before {@code instant} (never, when it has no expiry). */
  public boolean expiresBefore(Instant instant) {
    return expiresAt.map(e -> e.isBefore(instant)).orElse(false);
  }

  /** New secrets: the credential is ready again, with the given expiry and scope. */
  public Credential withSecrets(
      CredentialSecrets newSecrets, Optional<Instant> newExpiresAt, Optional<String> newScope) {
    return new Credential(
        id,
        workspaceId,
        authClientId,
        componentId,
        name,
        type,
        CredentialState.READY,
        Optional.empty(),
        newExpiresAt,
        newScope,
        newSecrets,
        createdBy,
        version,
        createdAt,
        updatedAt,
        seq);
  }

  @Override
  public String toString() {
    return "Credential[id="
        + id
        + ", type="
        + type
        + ", state="
        + state
        + ", version="
        + version
        + "]";
  }
}
