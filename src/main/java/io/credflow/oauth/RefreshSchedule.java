package io.credflow.oauth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The refresh schedule, shared by every process on one database: when each OAuth2 credential is
 * next due, and the lease a process holds while it refreshes one.
 */
public interface RefreshSchedule {
  /** One credential's schedule. */
  record Entry(
      String credentialId,
      Optional<Instant> refreshAt,
      Instant tokenIssuedAt,
      int failures,
      Optional<String> leaseOwner,
      Optional<Instant> leaseUntil) {}

  /** Sets (or creates) the schedule after new tokens: failures reset, lease kept. */
  void schedule(String credentialId, Optional<Instant> refreshAt, Instant tokenIssuedAt);

  /** Records a failure: next attempt time and the running failure count. */
  void failed(String credentialId, Optional<Instant> retryAt, int failures);

  Optional<Entry> find(String credentialId);

  /** Ids due at {@code now} whose lease is free, soonest first. */
  List<String> due(Instant now, int limit);

  /**
   * Takes the lease when it is free or expired: true when this owner now holds it until {@code
   * until}. Atomic across processes.
   */
  boolean tryLease(String credentialId, String owner, Instant now, Instant until);

  /**
   * After a successful refresh: the next refresh time, failures reset, and the lease given back, in
   * one write.
   */
  void refreshed(
      String credentialId, String owner, Optional<Instant> refreshAt, Instant tokenIssuedAt);

  /**
   * Takes the lease only if the credential is due at {@code now} and the lease is free: the
   * scheduler's claim, which needs no second look at the schedule once it holds the lease.
   */
  boolean tryLeaseIfDue(String credentialId, String owner, Instant now, Instant until);

  /** Gives the lease back (only if still held by {@code owner}). */
  void release(String credentialId, String owner);
}
