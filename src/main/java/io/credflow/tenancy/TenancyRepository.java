package io.credflow.tenancy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Storage of the ownership tree, users and memberships; implemented by the store. */
public interface TenancyRepository {
  void insertTenant(Tenant tenant);

  Optional<Tenant> findTenant(String id);

  void insertContract(Contract contract);

  Optional<Contract> findContract(String id);

  void insertWorkspace(Workspace workspace);

  Optional<Workspace> findWorkspace(String id);

  /**
   * Workspaces in creation order after position {@code after}, at most {@code limit}; only those of
   * {@code tenantIds} when present (a global admin's list has no filter).
   */
  List<Workspace> listWorkspaces(Optional<Set<String>> tenantIds, long after, int limit);

  /**
   * Inserts a user with its first API key (named {@value ApiKey#FIRST_KEY_NAME}), given as the
   * SHA-256 digest of the key: both or neither.
   */
  void insertUser(User user, byte[] apiKeyDigest);

  /** Inserts a user without any API key (one who signs in and makes its own keys). */
  void insertUser(User user);

  /** Adds an API key, given as the SHA-256 digest of the key, to the user {@code userId}. */
  void insertApiKey(String userId, ApiKey key, byte[] apiKeyDigest);

  /** The user's API keys, newest first, revoked ones included. */
  List<ApiKey> apiKeysOf(String userId);

  /**
   * Revokes the API key {@code keyId} of the user {@code userId} at {@code at}, unless it was
   * revoked before (then it keeps its first revocation time). Returns the key's digest when the
   * user has a key of this id, revoked now or before; empty when it has none (another user's key
   * included), and then nothing changes.
   */
  Optional<byte[]> revokeApiKey(String userId, String keyId, Instant at);

  Optional<User> findUser(String id);

  Optional<User> findUserByEmail(String email);

  /**
   * The user whose API key (not revoked) has this digest, with the stored digest for a
   * constant-time check.
   */
  Optional<UserKey> findUserByKeyDigest(byte[] apiKeyDigest);

  /**
   * The user whose API key (not revoked) has this digest with all its memberships, in one read:
   * what every authenticated request needs.
   */
  Optional<Principal> findPrincipalByKeyDigest(byte[] apiKeyDigest);

  long countUsers();

  /** Sets the user's role at {@code at}, replacing a role it had there. */
  void upsertMembership(Membership membership);

  List<Membership> membershipsOf(String userId);

  List<Membership> membersAt(Location at);

  /** Ends the user's membership at the node {@code nodeId}; false when there was none. */
  boolean deleteMembership(String userId, String nodeId);

  /** A user and the digest of its API key as stored. */
  record UserKey(User user, byte[] digest) {}

  /** A user, its stored key digest and its memberships, and the key's id when known. */
  record Principal(UserKey key, List<Membership> memberships, java.util.Optional<String> keyId) {
    public Principal(UserKey key, List<Membership> memberships) {
      this(key, memberships, java.util.Optional.empty());
    }
  }
}
