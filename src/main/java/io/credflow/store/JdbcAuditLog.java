package io.credflow.store;

import io.credflow.audit.Actions;
import io.credflow.audit.Actor;
import io.credflow.audit.AuditEntry;
import io.credflow.audit.AuditFilter;
import io.credflow.audit.AuditRecord;
import io.credflow.audit.AuditRepository;
import io.credflow.audit.AuditScope;
import io.credflow.audit.Origin;
import io.credflow.audit.Place;
import io.credflow.audit.Subject;
import io.credflow.common.PageRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The audit trail in its own table: written by inserts only, read newest first within a reader's
 * scope, swept by age. The releases of a credential's secret also fill {@code credential_id}, which
 * the per-credential view reads.
 */
public final class JdbcAuditLog implements AuditRepository {
  private static final String INSERT =
      "INSERT INTO audit_records (at, user_id, workspace_id, credential_id, action, reason, uses,"
          + " actor_type, actor_id, actor_email, subject_type, subject_id, tenant_id, contract_id,"
          + " client_address, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String COLUMNS =
      "SELECT seq, at, user_id, workspace_id, credential_id, action, reason, uses, actor_type,"
          + " actor_id,"
          + " actor_email, subject_type, subject_id, tenant_id, contract_id, client_address,"
          + " detail FROM audit_records ";
  private static final String BY_CREDENTIAL = COLUMNS + "WHERE credential_id = ? ORDER BY seq";
  private static final String WORKSPACE_PLACE =
      "SELECT tenant_id, contract_id FROM workspaces WHERE id = ?";
  private static final String DELETE_BEFORE = "DELETE FROM audit_records WHERE at < ?";

  /** Column widths: what a client sends (an address, an email typed at sign-in) is cut to fit. */
  private static final int MAX_ADDRESS = 64;

  private static final int MAX_EMAIL = 320;
  private static final int MAX_DETAIL = 4000;

  private final Jdbc jdbc;

  public JdbcAuditLog(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void record(AuditRecord r) {
    Place place = completed(r.place());
    boolean release =
        r.subject().type().equals(Subject.CREDENTIAL) && Actions.RELEASES.contains(r.action());
    String detail = Json.write(r.detail());
    if (detail.length() > MAX_DETAIL) {
      detail = Json.write(Map.of("truncated", "the detail was longer than " + MAX_DETAIL));
    }
    jdbc.update(
        INSERT,
        r.at(),
        r.actor().userId(),
        place.workspaceId(),
        release ? r.subject().id() : null,
        r.action(),
        r.origin().reason(),
        r.uses(),
        r.actor().type().wireName(),
        r.actor().id(),
        r.actor().email().map(e -> cut(e, MAX_EMAIL)),
        r.subject().type(),
        r.subject().id(),
        place.tenantId(),
        place.contractId(),
        r.origin().clientAddress().map(a -> cut(a, MAX_ADDRESS)),
        detail);
  }

  /** A workspace's place with its tenant and contract, so that tenant admins find the record. */
  private Place completed(Place place) {
    if (place.workspaceId().isEmpty() || place.tenantId().isPresent()) {
      return place;
    }
    return jdbc.queryOne(
            WORKSPACE_PLACE,
            rs ->
                new Place(
                    Optional.of(rs.getString("tenant_id")),
                    Optional.of(rs.getString("contract_id")),
                    place.workspaceId()),
            place.workspaceId().get())
        .orElse(place);
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  /** The releases of one credential's secret (access, requests), oldest first. */
  public List<AuditRecord> ofCredential(String credentialId) {
    return jdbc.query(BY_CREDENTIAL, rs -> entry(rs).record(), credentialId);
  }

  @Override
  public List<AuditEntry> list(AuditScope scope, AuditFilter filter, PageRequest page, int limit) {
    StringBuilder sql = new StringBuilder(COLUMNS).append("WHERE seq < ?");
    List<Object> params = new ArrayList<>();
    params.add(page.after().orElse(Long.MAX_VALUE));
    if (scope instanceof AuditScope.Within within) {
      List<String> any = new ArrayList<>();
      for (List<String> path : within.paths()) {
        any.add(
            switch (path.size()) {
              case 1 -> "tenant_id = ?";
              case 2 -> "contract_id = ?";
              default -> "workspace_id = ?";
            });
        params.add(path.get(path.size() - 1));
      }
      sql.append(" AND (").append(String.join(" OR ", any)).append(')');
    }
    filter
        .workspaceId()
        .ifPresent(
            w -> {
              sql.append(" AND workspace_id = ?");
              params.add(w);
            });
    filter
        .actor()
        .ifPresent(
            a -> {
              sql.append(" AND (actor_id = ? OR user_id = ?)");
              params.add(a);
              params.add(a);
            });
    filter
        .subject()
        .ifPresent(
            s -> {
              sql.append(" AND (subject_id = ? OR credential_id = ?)");
              params.add(s);
              params.add(s);
            });
    filter
        .action()
        .ifPresent(
            a -> {
              sql.append(" AND action = ?");
              params.add(a);
            });
    filter
        .since()
        .ifPresent(
            t -> {
              sql.append(" AND at >= ?");
              params.add(t);
            });
    filter
        .until()
        .ifPresent(
            t -> {
              sql.append(" AND at < ?");
              params.add(t);
            });
    sql.append(" ORDER BY seq DESC LIMIT ?");
    params.add(limit);
    return jdbc.query(sql.toString(), JdbcAuditLog::entry, params.toArray());
  }

  @Override
  public int deleteBefore(Instant cutoff) {
    return jdbc.update(DELETE_BEFORE, cutoff);
  }

  private static AuditEntry entry(ResultSet rs) throws SQLException {
    Optional<String> userId = Optional.ofNullable(rs.getString("user_id"));
    // A process of the release before the trail (during a rolling upgrade) writes releases with
    // the old columns only: the new ones keep their defaults, and are read from the old ones.
    String actorId = rs.getString("actor_id");
    String subjectId = rs.getString("subject_id");
    Actor actor =
        new Actor(
            Actor.Type.fromWireName(rs.getString("actor_type")).orElse(Actor.Type.USER),
            actorId.isEmpty() ? userId.orElse("") : actorId,
            userId,
            Optional.ofNullable(rs.getString("actor_email")));
    Place place =
        new Place(
            Optional.ofNullable(rs.getString("tenant_id")),
            Optional.ofNullable(rs.getString("contract_id")),
            Optional.ofNullable(rs.getString("workspace_id")));
    Map<String, String> detail = new LinkedHashMap<>();
    Json.readMap(rs.getString("detail")).forEach((k, v) -> detail.put(k, String.valueOf(v)));
    return new AuditEntry(
        rs.getLong("seq"),
        new AuditRecord(
            Jdbc.instant(rs, "at"),
            actor,
            rs.getString("action"),
            new Subject(
                rs.getString("subject_type"),
                subjectId.isEmpty()
                    ? Optional.ofNullable(rs.getString("credential_id")).orElse("")
                    : subjectId),
            place,
            new Origin(
                Optional.ofNullable(rs.getString("client_address")),
                Optional.ofNullable(rs.getString("reason"))),
            detail,
            rs.getLong("uses")));
  }
}
