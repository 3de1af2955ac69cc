package io.credflow.credential;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Storage of credentials; secrets are encrypted by the store, updates are compare-and-set. */
public interface CredentialRepository {
  void insert(Credential credential);

  Optional<Credential> find(String id);

  /**
   * What identifies the stored state of a credential and of its auth-client, read without
   * decrypting anything: equal stamps mean an authorization built earlier is still the one to use.
   * {@code authClientState} is opaque (the auth-client's stored settings and ciphertext).
   */
  record Stamp(String workspaceId, long version, String authClientState) {}

  Optional<Stamp> stamp(String id);

  /** Filters of a workspace's list; each present filter must match. */
  record Filter(
      Optional<String> componentId,
      Optional<String> authClientId,
      Optional<CredentialState> state) {}

  List<Credential> list(String workspaceId, Filter filter, long after, int limit);

  /** How many credentials a workspace has, by component id (components without any left out). */
  Map<String, Integer> countByComponent(String workspaceId);

  /**
   * Writes {@code updated} if the stored version is still {@code updated.version()}, and stores it
   * with version + 1. False when another writer got there first: nothing was written.
   */
  boolean compareAndSet(Credential updated);

  void delete(String id);

  /**
   * Records how a check of credential {@code id} went, whatever its version: the only write that is
   * no new version (a check changes nothing a use of the credential depends on). False when it is
   * gone.
   */
  boolean recordVerification(String id, Verification verification);
}
