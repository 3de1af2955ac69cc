package io.credflow.testing;

import io.credflow.credential.Credential;
import io.credflow.credential.CredentialSecrets;
import io.credflow.crypto.KeysetFile;
import io.credflow.store.Database;
import io.credflow.store.Jdbc;
import io.credflow.store.JdbcCredentialRepository;
import io.credflow.store.SecretColumns;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Reads what Credflow stored, straight from its database with its keyset, as an operator with both
 * would: a credential's decrypted tokens, and its refresh schedule and lease. For tests that must
 * know the exact token a credential holds (to tell which credential a provider request was for), or
 * whether a refresh is still pending, without going through (and so triggering) the API.
 */
public final class StoredCredentials implements AutoCloseable {
  private final Database database;
  private final JdbcCredentialRepository repository;

  private StoredCredentials(Database database, Path keyset) {
    this.database = database;
    this.repository =
        new JdbcCredentialRepository(
            database.jdbc(), new SecretColumns(KeysetFile.load(keyset)), Clock.systemUTC());
  }

  /** Opens the PostgreSQL database at {@code dbUrl} (user {@link PostgresDatabases#USER}). */
  public static StoredCredentials open(String dbUrl, Path keyset) {
    return new StoredCredentials(Database.open(dbUrl, PostgresDatabases.USER, null), keyset);
  }

  public Optional<Credential> find(String id) {
    return repository.find(id);
  }

  /**
   * Writes {@code c} as Credflow would (compare-and-set on its version, secrets sealed to the row):
   * to leave the database exactly as a process stopped between two writes leaves it.
   */
  public boolean compareAndSet(Credential c) {
    return repository.compareAndSet(c);
  }

  /** Marks credential {@code id}'s schedule row as leased by {@code owner} until {@code until}. */
  public void lease(String id, String owner, Instant until) {
    int rows =
        jdbc()
            .update(
                "UPDATE refresh_schedule SET lease_owner = ?, lease_until = ? WHERE credential_id = ?",
                owner,
                until,
                id);
    if (rows != 1) {
      throw new IllegalStateException("credential " + id + " has no schedule row");
    }
  }

  /** The stored refresh token of credential {@code id}, decrypted; empty when it has none. */
  public Optional<String> refreshToken(String id) {
    return tokens(id).flatMap(CredentialSecrets.Tokens::refreshToken).map(s -> s.reveal());
  }

  /** The stored access token of credential {@code id}, decrypted. */
  public Optional<String> accessToken(String id) {
    return tokens(id).map(t -> t.accessToken().reveal());
  }

  private Optional<CredentialSecrets.Tokens> tokens(String id) {
    return repository
        .find(id)
        .map(Credential::secrets)
        .filter(CredentialSecrets.Tokens.class::isInstance)
        .map(CredentialSecrets.Tokens.class::cast);
  }

  /** Schedule rows due at {@code now} (refresh_at reached), leased or not. */
  public int dueCount(Instant now) {
    return count("SELECT COUNT(*) FROM refresh_schedule WHERE refresh_at <= ?", now);
  }

  /** Schedule rows whose lease is held at {@code now} (not released and not expired). */
  public int leasedCount(Instant now) {
    return count(
        "SELECT COUNT(*) FROM refresh_schedule WHERE lease_owner IS NOT NULL AND lease_until >= ?",
        now);
  }

  /**
   * Schedule rows holding a lease that runs past {@code until}: with a known lease length, the
   * leases taken after a given moment (released leases are cleared).
   */
  public int leasesUntilAfter(Instant until) {
    return count(
        "SELECT COUNT(*) FROM refresh_schedule WHERE lease_owner IS NOT NULL AND lease_until > ?",
        until);
  }

  /** Schedule rows with any lease recorded (released leases are cleared), expired or not. */
  public int leaseRows() {
    return count("SELECT COUNT(*) FROM refresh_schedule WHERE lease_owner IS NOT NULL");
  }

  /** The latest {@code lease_until} of any schedule row, if any lease is recorded. */
  public Optional<Instant> latestLeaseUntil() {
    return jdbc()
        .queryOne(
            "SELECT MAX(lease_until) AS m FROM refresh_schedule",
            rs -> Jdbc.optionalInstant(rs, "m"))
        .flatMap(o -> o);
  }

  /** The refresh time of credential {@code id}; empty when it has no schedule or none is set. */
  public Optional<Instant> refreshAt(String id) {
    return jdbc()
        .queryOne(
            "SELECT refresh_at FROM refresh_schedule WHERE credential_id = ?",
            rs -> Jdbc.optionalInstant(rs, "refresh_at"),
            id)
        .flatMap(o -> o);
  }

  private int count(String sql, Object... params) {
    return jdbc().queryOne(sql, rs -> rs.getInt(1), params).orElse(0);
  }

  public Jdbc jdbc() {
    return database.jdbc();
  }

  @Override
  public void close() {
    database.close();
  }
}
