package io.credflow.credential;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Storage of what expires ahead of a credential's access token (its refresh token, its
 * auth-client's client secret), and whether a {@code credential.expiring_soon} event was recorded
 * for that expiry. One row per credential and kind; rows go with their credential.
 */
public interface Expiries {
  /**
   * What expires: a refresh token, an auth-client's client secret, or an Instagram long-lived token
   * whose renewal has failed (renewed in time, it never needs a warning).
   */
  enum Kind {
    REFRESH_TOKEN("refresh_token"),
    CLIENT_SECRET("client_secret"),
    ACCESS_TOKEN("access_token");

    private final String wireName;

    Kind(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }

    public static Optional<Kind> fromWireName(String name) {
      return Arrays.stream(values()).filter(k -> k.wireName.equals(name)).findFirst();
    }
  }

  /** One stored expiry, with the credential it belongs to. */
  record Expiry(
      String credentialId,
      String workspaceId,
      String credentialName,
      Kind kind,
      Instant expiresAt,
      Optional<Instant> warnedAt) {}

  /** A credential, as a warning names it. */
  record Holder(String credentialId, String workspaceId, String name) {}

  /**
   * Stores {@code expiresAt} as the credential's expiry of {@code kind}, not warned about yet; an
   * expiry already stored is replaced.
   */
  void set(String credentialId, Kind kind, Instant expiresAt);

  void clear(String credentialId, Kind kind);

  Optional<Expiry> find(String credentialId, Kind kind);

  /** The stored expiries (of every kind) of these credentials. */
  List<Expiry> of(Collection<String> credentialIds);

  /**
   * Expiries of {@code kind} not warned about yet that fall before {@code before}, soonest first.
   */
  List<Expiry> unwarned(Kind kind, Instant before, int limit);

  /** A workspace's expiries of {@code kind} that fall before {@code before}, soonest first. */
  List<Expiry> dueIn(String workspaceId, Kind kind, Instant before);

  /**
   * Marks the expiry warned about, if it is still stored with {@code expiresAt} and not warned yet:
   * true for exactly one caller, however many processes sweep.
   */
  boolean markWarned(String credentialId, Kind kind, Instant expiresAt, Instant at);

  /** The credentials made with an auth-client, of one workspace when given. */
  List<Holder> credentialsOf(String authClientId, Optional<String> workspaceId);

  /**
   * The ids of the oauth2 auth-clients whose stored settings name a client secret expiry (their
   * settings decide whether and when).
   */
  List<String> authClientsWithSecretExpiry();

  /**
   * The credentials made with an auth-client that have no warned expiry of {@code kind} between
   * {@code from} and {@code to}: the ones a sweep still has to warn.
   */
  List<Holder> notWarned(String authClientId, Kind kind, Instant from, Instant to);

  /** The ids of the auth-clients a workspace's credentials are made with. */
  List<String> authClientsUsedIn(String workspaceId);
}
