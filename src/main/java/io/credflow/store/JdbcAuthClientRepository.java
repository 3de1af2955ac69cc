package io.credflow.store;

import io.credflow.authclient.AuthClient;
import io.credflow.authclient.AuthClientRepository;
import io.credflow.authclient.AuthClientSettings;
import io.credflow.authclient.InstagramSettings;
import io.credflow.authclient.OAuth2Settings;
import io.credflow.authclient.SettingsParser;
import io.credflow.common.Secret;
import io.credflow.component.AuthClientType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Auth-clients over JDBC. Non-secret settings are a JSON column; secret members (client secret,
 * shared API key) are one Tink ciphertext bound to the row.
 */
public final class JdbcAuthClientRepository implements AuthClientRepository {
  static final String TABLE = "auth_clients";
  static final String SECRETS = "secrets";

  private static final String INSERT =
      "INSERT INTO auth_clients (id, tenant_id, owner_path, type, name, client_id, settings,"
          + " secrets, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String COLUMNS =
      "SELECT id, tenant_id, owner_path, type, name, settings, secrets, created_at, updated_at,"
          + " seq FROM auth_clients ";
  private static final String UPDATE =
      "UPDATE auth_clients SET name = ?, settings = ?, secrets = ?, updated_at = ? WHERE id = ?";
  private static final String LINKS =
      "SELECT component_id FROM auth_client_components WHERE auth_client_id = ? ORDER BY position";
  private static final String REACH =
      "SELECT a.owner_path, c.deployed_path FROM auth_clients a"
          + " LEFT JOIN auth_client_components l ON l.auth_client_id = a.id"
          + " LEFT JOIN components c ON c.id = l.component_id"
          + " WHERE a.id = ? ORDER BY l.position";
  private static final String INSERT_LINK =
      "INSERT INTO auth_client_components (auth_client_id, component_id, position)"
          + " VALUES (?, ?, ?)";

  private final Jdbc jdbc;
  private final SecretColumns secrets;
  private final java.time.Clock clock;

  public JdbcAuthClientRepository(Jdbc jdbc, SecretColumns secrets, java.time.Clock clock) {
    this.jdbc = jdbc;
    this.secrets = secrets;
    this.clock = clock;
  }

  @Override
  public void insert(AuthClient a) {
    Split split = split(a.settings());
    jdbc.inTransaction(
        () -> {
          jdbc.update(
              INSERT,
              a.id(),
              a.tenantId(),
              a.owner().map(Paths::of),
              a.type().wireName(),
              a.name(),
              clientId(a.settings()),
              Json.write(split.plain()),
              sealed(a.id(), split.secret()),
              a.createdAt(),
              a.updatedAt());
          link(a.id(), a.componentIds());
        });
  }

  @Override
  public Optional<AuthClient> find(String id) {
    return jdbc.queryOne(COLUMNS + "WHERE id = ?", JdbcAuthClientRepository::row, id)
        .map(this::authClient);
  }

  @Override
  public Optional<Reach> findReach(String id) {
    List<String[]> rows =
        jdbc.query(
            REACH,
            rs -> new String[] {rs.getString("owner_path"), rs.getString("deployed_path")},
            id);
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    List<io.credflow.tenancy.Location> deployments = new ArrayList<>();
    for (String[] row : rows) {
      Paths.parseOptional(row[1]).ifPresent(deployments::add);
    }
    return Optional.of(new Reach(Paths.parseOptional(rows.get(0)[0]), deployments));
  }

  @Override
  public List<AuthClient> list(Optional<Set<String>> tenantIds, long after, int limit) {
    if (tenantIds.isEmpty()) {
      return authClients(
          jdbc.query(
              COLUMNS + "WHERE seq > ? ORDER BY seq LIMIT ?",
              JdbcAuthClientRepository::row,
              after,
              limit));
    }
    return authClients(
        InClause.query(
            jdbc,
            COLUMNS + "WHERE seq > ? AND tenant_id IN (%s) ORDER BY seq LIMIT ?",
            tenantIds.get(),
            JdbcAuthClientRepository::row,
            after,
            limit));
  }

  @Override
  public List<AuthClient> findOAuthByClientId(String tenantId, String clientId) {
    return authClients(
        jdbc.query(
            COLUMNS + "WHERE tenant_id = ? AND client_id = ? ORDER BY seq",
            JdbcAuthClientRepository::row,
            tenantId,
            clientId));
  }

  @Override
  public void update(AuthClient a) {
    Split split = split(a.settings());
    jdbc.inTransaction(
        () -> {
          jdbc.update(
              UPDATE,
              a.name(),
              Json.write(split.plain()),
              sealed(a.id(), split.secret()),
              clock.instant(),
              a.id());
          jdbc.update("DELETE FROM auth_client_components WHERE auth_client_id = ?", a.id());
          link(a.id(), a.componentIds());
        });
  }

  @Override
  public void delete(String id) {
    jdbc.update("DELETE FROM auth_clients WHERE id = ?", id);
  }

  @Override
  public int countCredentials(String authClientId) {
    return jdbc.queryOne(
            "SELECT COUNT(*) AS n FROM credentials WHERE auth_client_id = ?",
            rs -> rs.getInt("n"),
            authClientId)
        .orElse(0);
  }

  @Override
  public int countCredentials(String authClientId, String componentId) {
    return jdbc.queryOne(
            "SELECT COUNT(*) AS n FROM credentials WHERE auth_client_id = ? AND component_id = ?",
            rs -> rs.getInt("n"),
            authClientId,
            componentId)
        .orElse(0);
  }

  private void link(String authClientId, List<String> componentIds) {
    for (int i = 0; i < componentIds.size(); i++) {
      jdbc.update(INSERT_LINK, authClientId, componentIds.get(i), i);
    }
  }

  private byte[] sealed(String id, Map<String, String> secretMembers) {
    return secretMembers.isEmpty() ? null : secrets.seal(TABLE, id, SECRETS, secretMembers);
  }

  /** A row as read; links and secrets are resolved after the result set is closed. */
  private record Row(
      String id,
      String tenantId,
      String ownerPath,
      String type,
      String name,
      String settings,
      byte[] secrets,
      java.time.Instant createdAt,
      java.time.Instant updatedAt,
      long seq) {}

  private static Row row(ResultSet rs) throws SQLException {
    return new Row(
        rs.getString("id"),
        rs.getString("tenant_id"),
        rs.getString("owner_path"),
        rs.getString("type"),
        rs.getString("name"),
        rs.getString("settings"),
        rs.getBytes("secrets"),
        Jdbc.instant(rs, "created_at"),
        Jdbc.instant(rs, "updated_at"),
        rs.getLong("seq"));
  }

  private List<AuthClient> authClients(List<Row> rows) {
    return rows.stream().map(this::authClient).toList();
  }

  private AuthClient authClient(Row row) {
    AuthClientType type = AuthClientType.fromWireName(row.type()).orElseThrow();
    Map<String, Object> members = new LinkedHashMap<>(Json.readMap(row.settings()));
    if (row.secrets() != null) {
      members.putAll(secrets.open(TABLE, row.id(), SECRETS, row.secrets()));
    }
    AuthClientSettings settings = SettingsParser.parse(type, members, "/credentials");
    return new AuthClient(
        row.id(),
        row.name(),
        settings,
        Paths.parseOptional(row.ownerPath()),
        row.tenantId(),
        jdbc.query(LINKS, r -> r.getString("component_id"), row.id()),
        row.createdAt(),
        row.updatedAt(),
        row.seq());
  }

  private record Split(Map<String, Object> plain, Map<String, String> secret) {}

  private static Split split(AuthClientSettings settings) {
    Map<String, Object> plain = new LinkedHashMap<>();
    Map<String, String> secret = new LinkedHashMap<>();
    settings
        .members()
        .forEach(
            (k, v) -> {
              if (v instanceof Secret s) {
                secret.put(k, s.reveal());
              } else {
                plain.put(k, v);
              }
            });
    return new Split(plain, secret);
  }

  private static String clientId(AuthClientSettings settings) {
    return switch (settings) {
      case OAuth2Settings o -> o.clientId();
      case InstagramSettings i -> i.clientId();
      default -> null;
    };
  }
}
