package io.credflow.store;

import io.credflow.credential.CredentialEvent;
import io.credflow.credential.EventLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Credential events over JDBC. */
public final class JdbcEventLog implements EventLog {
  private static final String INSERT =
      "INSERT INTO credential_events (credential_id, workspace_id, type, detail, at)"
          + " VALUES (?, ?, ?, ?, ?)";
  private static final String COLUMNS =
      "SELECT seq, credential_id, workspace_id, type, detail, at FROM credential_events ";
  private static final int MAX_DETAIL = 2000;

  private final Jdbc jdbc;

  public JdbcEventLog(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void record(CredentialEvent e) {
    String detail =
        e.detail().length() > MAX_DETAIL ? e.detail().substring(0, MAX_DETAIL) : e.detail();
    jdbc.update(INSERT, e.credentialId(), e.workspaceId(), e.type(), detail, e.at());
  }

  @Override
  public List<CredentialEvent> list(
      String workspaceId, Optional<String> credentialId, long after, int limit) {
    return select(workspaceId, credentialId, after, "seq", limit);
  }

  @Override
  public List<CredentialEvent> latest(
      String workspaceId, Optional<String> credentialId, int limit) {
    return select(workspaceId, credentialId, 0, "seq DESC", limit);
  }

  private List<CredentialEvent> select(
      String workspaceId, Optional<String> credentialId, long after, String order, int limit) {
    StringBuilder sql = new StringBuilder(COLUMNS).append("WHERE workspace_id = ? AND seq > ?");
    List<Object> params = new ArrayList<>(List.of(workspaceId, after));
    credentialId.ifPresent(
        id -> {
          sql.append(" AND credential_id = ?");
          params.add(id);
        });
    sql.append(" ORDER BY ").append(order).append(" LIMIT ?");
    params.add(limit);
    return jdbc.query(
        sql.toString(),
        rs ->
            new CredentialEvent(
                rs.getLong("seq"),
                rs.getString("credential_id"),
                rs.getString("workspace_id"),
                rs.getString("type"),
                rs.getString("detail"),
                Jdbc.instant(rs, "at")),
        params.toArray());
  }
}
