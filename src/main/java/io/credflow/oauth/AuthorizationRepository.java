package io.credflow.oauth;

import java.util.Optional;

/** Storage of pending authorizations; the verifier and code are encrypted by the store. */
public interface AuthorizationRepository {
  void insert(PendingAuthorization authorization);

  Optional<PendingAuthorization> find(String stateDigest);

  /**
   * Writes {@code updated} only if the stored status is still {@code expected}: the single-use
   * guarantee of states and codes. False when another request moved it first.
   */
  boolean transition(PendingAuthorization.Status expected, PendingAuthorization updated);
}
