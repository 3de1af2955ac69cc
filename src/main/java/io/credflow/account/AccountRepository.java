package io.credflow.account;

import java.time.Instant;
import java.util.Optional;

/**
 * Storage of passwords, console sessions and setup links; implemented by the store. Tokens are
 * handed in and looked up only as their SHA-256 digests.
 */
public interface AccountRepository {
  /** The user of this (normalized) email, with its password hash when it has a password. */
  Optional<Account> findAccountByEmail(String email);

  /** The user's password hash, when it has a password. */
  Optional<String> passwordHash(String userId);

  /** Sets the user's password hash, replacing the one it had. */
  void setPassword(String userId, String hash, Instant at);

  void insertSession(StoredSession session, byte[] tokenDigest);

  Optional<StoredSession> findSession(byte[] tokenDigest);

  /** Moves the session's last use forward to {@code at}; never back. */
  void touchSession(String sessionId, Instant at);

  /** Ends the session of this token; false when there was none. */
  boolean deleteSession(byte[] tokenDigest);

  /** Ends every session of the user; returns how many there were. */
  int deleteSessionsOf(String userId);

  /**
   * Deletes the sessions that ended by {@code now}: past their absolute end, or last used at or
   * before {@code idleSince}. Only the user's when {@code userId} is present, else everyone's.
   * Returns how many.
   */
  int deleteEndedSessions(Optional<String> userId, Instant now, Instant idleSince);

  /** A new, unused setup link of the user, valid from {@code createdAt} until {@code expiresAt}. */
  void insertSetupLink(byte[] tokenDigest, String userId, Instant createdAt, Instant expiresAt);

  Optional<StoredSetupLink> findSetupLink(byte[] tokenDigest);

  /**
   * Marks the link of this token used at {@code at}, if it is unused and expires after {@code at}:
   * a compare-and-set, so that of two uses at once exactly one wins. False when it was not.
   */
  boolean useSetupLink(byte[] tokenDigest, Instant at);

  /** Deletes the user's setup links that were never used; returns how many. */
  int deleteUnusedSetupLinksOf(String userId);

  /** Deletes every setup link that expired by {@code now}, used or not; returns how many. */
  int deleteExpiredSetupLinks(Instant now);

  /** A user as sign-in sees it: its id, and its password hash when it has one. */
  record Account(String userId, Optional<String> passwordHash) {
    /** Names the user only; a hash never prints. */
    @Override
    public String toString() {
      return "Account[userId="
          + userId
          + ", passwordHash="
          + passwordHash.map(h -> "(set)").orElse("(none)")
          + "]";
    }
  }

  /**
   * A session as stored: it ends at {@code expiresAt}, or earlier when unused for the idle lifetime
   * after {@code lastSeenAt}.
   */
  record StoredSession(
      String id, String userId, Instant createdAt, Instant lastSeenAt, Instant expiresAt) {}

  /** A setup link as stored, with its user's email. */
  record StoredSetupLink(
      String userId,
      String email,
      Instant createdAt,
      Instant expiresAt,
      Optional<Instant> usedAt) {}
}
