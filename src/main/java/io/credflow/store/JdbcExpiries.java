package io.credflow.store;

import io.credflow.credential.Expiries;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Credential expiries over JDBC; a warning is marked with a conditional UPDATE, once. */
public final class JdbcExpiries implements Expiries {
  private static final String COLUMNS =
      "SELECT e.credential_id, c.workspace_id, c.name, e.kind, e.expires_at, e.warned_at"
          + " FROM credential_expiries e JOIN credentials c ON c.id = e.credential_id ";
  private static final String UPDATE =
      "UPDATE credential_expiries SET expires_at = ?, warned_at = NULL"
          + " WHERE credential_id = ? AND kind = ?";
  private static final String INSERT =
      "INSERT INTO credential_expiries (credential_id, kind, expires_at) VALUES (?, ?, ?)";
  private static final String CLEAR =
      "DELETE FROM credential_expiries WHERE credential_id = ? AND kind = ?";
  private static final String FIND = COLUMNS + "WHERE e.credential_id = ? AND e.kind = ?";
  private static final String OF = COLUMNS + "WHERE e.credential_id IN (%s)";
  private static final String UNWARNED =
      COLUMNS
          + "WHERE e.kind = ? AND e.warned_at IS NULL AND e.expires_at < ?"
          + " ORDER BY e.expires_at LIMIT ?";
  private static final String DUE_IN =
      COLUMNS
          + "WHERE c.workspace_id = ? AND e.kind = ? AND e.expires_at < ?"
          + " ORDER BY e.expires_at, c.seq";
  private static final String MARK_WARNED =
      "UPDATE credential_expiries SET warned_at = ? WHERE credential_id = ? AND kind = ?"
          + " AND expires_at = ? AND warned_at IS NULL";
  private static final String CREDENTIALS_OF =
      "SELECT id, workspace_id, name FROM credentials WHERE auth_client_id = ?";
  private static final String NOT_WARNED =
      "SELECT c.id, c.workspace_id, c.name FROM credentials c WHERE c.auth_client_id = ?"
          + " AND NOT EXISTS (SELECT 1 FROM credential_expiries e WHERE e.credential_id = c.id"
          + " AND e.kind = ? AND e.warned_at IS NOT NULL AND e.expires_at BETWEEN ? AND ?)"
          + " ORDER BY c.seq";
  private static final String SECRET_EXPIRY =
      "SELECT id FROM auth_clients WHERE type = 'oauth2'"
          + " AND settings LIKE '%\"client_secret_expires_at\"%' ORDER BY seq";
  private static final String USED_IN =
      "SELECT DISTINCT auth_client_id FROM credentials WHERE workspace_id = ?"
          + " ORDER BY auth_client_id";

  private final Jdbc jdbc;

  public JdbcExpiries(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void set(String credentialId, Kind kind, Instant expiresAt) {
    jdbc.inTransaction(
        () -> {
          if (jdbc.update(UPDATE, expiresAt, credentialId, kind.wireName()) == 0) {
            jdbc.update(INSERT, credentialId, kind.wireName(), expiresAt);
          }
        });
  }

  @Override
  public void clear(String credentialId, Kind kind) {
    jdbc.update(CLEAR, credentialId, kind.wireName());
  }

  @Override
  public Optional<Expiry> find(String credentialId, Kind kind) {
    return jdbc.queryOne(FIND, JdbcExpiries::expiry, credentialId, kind.wireName());
  }

  @Override
  public List<Expiry> of(Collection<String> credentialIds) {
    return InClause.query(jdbc, OF, credentialIds, JdbcExpiries::expiry);
  }

  @Override
  public List<Expiry> unwarned(Kind kind, Instant before, int limit) {
    return jdbc.query(UNWARNED, JdbcExpiries::expiry, kind.wireName(), before, limit);
  }

  @Override
  public List<Expiry> dueIn(String workspaceId, Kind kind, Instant before) {
    return jdbc.query(DUE_IN, JdbcExpiries::expiry, workspaceId, kind.wireName(), before);
  }

  @Override
  public boolean markWarned(String credentialId, Kind kind, Instant expiresAt, Instant at) {
    return jdbc.update(MARK_WARNED, at, credentialId, kind.wireName(), expiresAt) == 1;
  }

  @Override
  public List<Holder> credentialsOf(String authClientId, Optional<String> workspaceId) {
    String sql = CREDENTIALS_OF + (workspaceId.isPresent() ? " AND workspace_id = ?" : "");
    Object[] params =
        workspaceId.isPresent()
            ? new Object[] {authClientId, workspaceId.get()}
            : new Object[] {authClientId};
    return jdbc.query(
        sql + " ORDER BY seq",
        rs -> new Holder(rs.getString("id"), rs.getString("workspace_id"), rs.getString("name")),
        params);
  }

  @Override
  public List<Holder> notWarned(String authClientId, Kind kind, Instant from, Instant to) {
    return jdbc.query(
        NOT_WARNED,
        rs -> new Holder(rs.getString("id"), rs.getString("workspace_id"), rs.getString("name")),
        authClientId,
        kind.wireName(),
        from,
        to);
  }

  @Override
  public List<String> authClientsWithSecretExpiry() {
    return jdbc.query(SECRET_EXPIRY, rs -> rs.getString("id"));
  }

  @Override
  public List<String> authClientsUsedIn(String workspaceId) {
    return jdbc.query(USED_IN, rs -> rs.getString("auth_client_id"), workspaceId);
  }

  private static Expiry expiry(ResultSet rs) throws SQLException {
    return new Expiry(
        rs.getString("credential_id"),
        rs.getString("workspace_id"),
        rs.getString("name"),
        Kind.fromWireName(rs.getString("kind")).orElseThrow(),
        Jdbc.instant(rs, "expires_at"),
        Jdbc.optionalInstant(rs, "warned_at"));
  }
}
