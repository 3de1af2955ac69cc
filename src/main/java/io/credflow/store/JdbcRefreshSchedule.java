package io.credflow.store;

import io.credflow.oauth.RefreshSchedule;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The refresh schedule over JDBC. The lease is a conditional UPDATE (free or expired → mine), so
 * exactly one process wins it on H2 and PostgreSQL alike.
 */
public final class JdbcRefreshSchedule implements RefreshSchedule {
  private static final String UPDATE_SCHEDULE =
      "UPDATE refresh_schedule SET refresh_at = ?, token_issued_at = ?, failures = 0"
          + " WHERE credential_id = ?";
  private static final String INSERT_SCHEDULE =
      "INSERT INTO refresh_schedule (credential_id, refresh_at, token_issued_at, failures)"
          + " VALUES (?, ?, ?, 0)";
  private static final String FAILED =
      "UPDATE refresh_schedule SET refresh_at = ?, failures = ? WHERE credential_id = ?";
  private static final String FIND =
      "SELECT credential_id, refresh_at, token_issued_at, failures, lease_owner, lease_until"
          + " FROM refresh_schedule WHERE credential_id = ?";
  private static final String DUE =
      "SELECT credential_id FROM refresh_schedule WHERE refresh_at <= ?"
          + " AND (lease_until IS NULL OR lease_until < ?) ORDER BY refresh_at LIMIT ?";
  private static final String LEASE =
      "UPDATE refresh_schedule SET lease_owner = ?, lease_until = ? WHERE credential_id = ?"
          + " AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?)";
  private static final String LEASE_IF_DUE =
      "UPDATE refresh_schedule SET lease_owner = ?, lease_until = ? WHERE credential_id = ?"
          + " AND refresh_at <= ? AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?)";
  private static final String REFRESHED =
      "UPDATE refresh_schedule SET refresh_at = ?, token_issued_at = ?, failures = 0,"
          + " lease_owner = NULL, lease_until = NULL WHERE credential_id = ? AND lease_owner = ?";
  private static final String RELEASE =
      "UPDATE refresh_schedule SET lease_owner = NULL, lease_until = NULL"
          + " WHERE credential_id = ? AND lease_owner = ?";

  private final Jdbc jdbc;

  public JdbcRefreshSchedule(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void schedule(String credentialId, Optional<Instant> refreshAt, Instant tokenIssuedAt) {
    jdbc.inTransaction(
        () -> {
          if (jdbc.update(UPDATE_SCHEDULE, refreshAt, tokenIssuedAt, credentialId) == 0) {
            jdbc.update(INSERT_SCHEDULE, credentialId, refreshAt, tokenIssuedAt);
          }
        });
  }

  @Override
  public void failed(String credentialId, Optional<Instant> retryAt, int failures) {
    jdbc.update(FAILED, retryAt, failures, credentialId);
  }

  @Override
  public Optional<Entry> find(String credentialId) {
    return jdbc.queryOne(
        FIND,
        rs ->
            new Entry(
                rs.getString("credential_id"),
                Jdbc.optionalInstant(rs, "refresh_at"),
                Jdbc.instant(rs, "token_issued_at"),
                rs.getInt("failures"),
                Optional.ofNullable(rs.getString("lease_owner")),
                Jdbc.optionalInstant(rs, "lease_until")),
        credentialId);
  }

  @Override
  public List<String> due(Instant now, int limit) {
    return jdbc.query(DUE, rs -> rs.getString("credential_id"), now, now, limit);
  }

  @Override
  public boolean tryLease(String credentialId, String owner, Instant now, Instant until) {
    return jdbc.update(LEASE, owner, until, credentialId, now, owner) == 1;
  }

  @Override
  public void refreshed(
      String credentialId, String owner, Optional<Instant> refreshAt, Instant tokenIssuedAt) {
    if (jdbc.update(REFRESHED, refreshAt, tokenIssuedAt, credentialId, owner) == 0) {
      // The lease ran out meanwhile (a very slow refresh): the schedule must still move on.
      schedule(credentialId, refreshAt, tokenIssuedAt);
    }
  }

  @Override
  public boolean tryLeaseIfDue(String credentialId, String owner, Instant now, Instant until) {
    return jdbc.update(LEASE_IF_DUE, owner, until, credentialId, now, now, owner) == 1;
  }

  @Override
  public void release(String credentialId, String owner) {
    jdbc.update(RELEASE, credentialId, owner);
  }
}
