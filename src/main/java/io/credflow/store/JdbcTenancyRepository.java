package io.credflow.store;

import io.credflow.common.Ids;
import io.credflow.tenancy.ApiKey;
import io.credflow.tenancy.Contract;
import io.credflow.tenancy.Location;
import io.credflow.tenancy.Membership;
import io.credflow.tenancy.Role;
import io.credflow.tenancy.TenancyRepository;
import io.credflow.tenancy.Tenant;
import io.credflow.tenancy.User;
import io.credflow.tenancy.Workspace;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Tenancy over JDBC. */
public final class JdbcTenancyRepository implements TenancyRepository {
  private static final String INSERT_TENANT =
      "INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)";
  private static final String FIND_TENANT =
      "SELECT id, name, created_at, seq FROM tenants WHERE id = ?";
  private static final String INSERT_CONTRACT =
      "INSERT INTO contracts (id, tenant_id, name, created_at) VALUES (?, ?, ?, ?)";
  private static final String FIND_CONTRACT =
      "SELECT id, tenant_id, name, created_at, seq FROM contracts WHERE id = ?";
  private static final String INSERT_WORKSPACE =
      "INSERT INTO workspaces (id, contract_id, tenant_id, name, created_at) VALUES (?, ?, ?, ?, ?)";
  private static final String WORKSPACE_COLUMNS =
      "SELECT id, contract_id, tenant_id, name, created_at, seq FROM workspaces ";
  private static final String INSERT_USER =
      "INSERT INTO users (id, email, key_digest, global_admin, created_at) VALUES (?, ?, ?, ?, ?)";
  private static final String USER_COLUMNS =
      "SELECT id, email, global_admin, created_at, seq FROM users ";
  private static final String INSERT_API_KEY =
      "INSERT INTO api_keys (id, user_id, name, key_digest, created_at) VALUES (?, ?, ?, ?, ?)";
  private static final String API_KEYS_OF =
      "SELECT id, name, created_at, revoked_at FROM api_keys WHERE user_id = ? ORDER BY seq DESC";
  private static final String FIND_API_KEY_DIGEST =
      "SELECT key_digest FROM api_keys WHERE id = ? AND user_id = ?";
  private static final String REVOKE_API_KEY =
      "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL";
  // The column a process of the previous version still reads keys from (see V5__accounts.sql).
  private static final String FORGET_LEGACY_KEY =
      "UPDATE users SET key_digest = NULL WHERE id = ? AND key_digest = ?";
  private static final String USER_BY_KEY =
      "SELECT u.id, u.email, u.global_admin, u.created_at, u.seq, k.key_digest FROM api_keys k"
          + " JOIN users u ON u.id = k.user_id WHERE k.key_digest = ? AND k.revoked_at IS NULL";
  private static final String MEMBERSHIP_COLUMNS =
      "SELECT user_id, at_path, role, created_at, seq FROM memberships ";
  private static final String UPDATE_MEMBERSHIP =
      "UPDATE memberships SET role = ? WHERE user_id = ? AND node_id = ?";
  private static final String INSERT_MEMBERSHIP =
      "INSERT INTO memberships (user_id, node_id, at_path, role, created_at) VALUES (?, ?, ?, ?, ?)";

  private final Jdbc jdbc;

  public JdbcTenancyRepository(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void insertTenant(Tenant t) {
    jdbc.update(INSERT_TENANT, t.id(), t.name(), t.createdAt());
  }

  @Override
  public Optional<Tenant> findTenant(String id) {
    return jdbc.queryOne(
        FIND_TENANT,
        rs ->
            new Tenant(
                rs.getString("id"),
                rs.getString("name"),
                Jdbc.instant(rs, "created_at"),
                rs.getLong("seq")),
        id);
  }

  @Override
  public void insertContract(Contract c) {
    jdbc.update(INSERT_CONTRACT, c.id(), c.tenantId(), c.name(), c.createdAt());
  }

  @Override
  public Optional<Contract> findContract(String id) {
    return jdbc.queryOne(
        FIND_CONTRACT,
        rs ->
            new Contract(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("name"),
                Jdbc.instant(rs, "created_at"),
                rs.getLong("seq")),
        id);
  }

  @Override
  public void insertWorkspace(Workspace w) {
    jdbc.update(INSERT_WORKSPACE, w.id(), w.contractId(), w.tenantId(), w.name(), w.createdAt());
  }

  @Override
  public Optional<Workspace> findWorkspace(String id) {
    return jdbc.queryOne(WORKSPACE_COLUMNS + "WHERE id = ?", JdbcTenancyRepository::workspace, id);
  }

  @Override
  public List<Workspace> listWorkspaces(Optional<Set<String>> tenantIds, long after, int limit) {
    if (tenantIds.isEmpty()) {
      return jdbc.query(
          WORKSPACE_COLUMNS + "WHERE seq > ? ORDER BY seq LIMIT ?",
          JdbcTenancyRepository::workspace,
          after,
          limit);
    }
    return InClause.query(
        jdbc,
        WORKSPACE_COLUMNS + "WHERE seq > ? AND tenant_id IN (%s) ORDER BY seq LIMIT ?",
        tenantIds.get(),
        JdbcTenancyRepository::workspace,
        after,
        limit);
  }

  private static Workspace workspace(ResultSet rs) throws SQLException {
    return new Workspace(
        rs.getString("id"),
        rs.getString("contract_id"),
        rs.getString("tenant_id"),
        rs.getString("name"),
        Jdbc.instant(rs, "created_at"),
        rs.getLong("seq"));
  }

  @Override
  public void insertUser(User u, byte[] apiKeyDigest) {
    jdbc.inTransaction(
        () -> {
          // The digest goes to users.key_digest as well, so that a process of the previous version
          // still running during an upgrade lets the new user in.
          jdbc.update(INSERT_USER, u.id(), u.email(), apiKeyDigest, u.globalAdmin(), u.createdAt());
          insertApiKey(
              u.id(),
              new ApiKey(Ids.newId(), ApiKey.FIRST_KEY_NAME, u.createdAt(), Optional.empty()),
              apiKeyDigest);
        });
  }

  @Override
  public void insertUser(User u) {
    jdbc.update(INSERT_USER, u.id(), u.email(), null, u.globalAdmin(), u.createdAt());
  }

  @Override
  public void insertApiKey(String userId, ApiKey key, byte[] apiKeyDigest) {
    jdbc.update(INSERT_API_KEY, key.id(), userId, key.name(), apiKeyDigest, key.createdAt());
  }

  @Override
  public List<ApiKey> apiKeysOf(String userId) {
    return jdbc.query(
        API_KEYS_OF,
        rs ->
            new ApiKey(
                rs.getString("id"),
                rs.getString("name"),
                Jdbc.instant(rs, "created_at"),
                Jdbc.optionalInstant(rs, "revoked_at")),
        userId);
  }

  @Override
  public Optional<byte[]> revokeApiKey(String userId, String keyId, Instant at) {
    return jdbc.inTransaction(
        () -> {
          Optional<byte[]> digest =
              jdbc.queryOne(FIND_API_KEY_DIGEST, rs -> rs.getBytes("key_digest"), keyId, userId);
          digest.ifPresent(
              d -> {
                jdbc.update(REVOKE_API_KEY, at, keyId, userId);
                jdbc.update(FORGET_LEGACY_KEY, userId, d);
              });
          return digest;
        });
  }

  @Override
  public Optional<User> findUser(String id) {
    return jdbc.queryOne(USER_COLUMNS + "WHERE id = ?", JdbcTenancyRepository::user, id);
  }

  @Override
  public Optional<User> findUserByEmail(String email) {
    return jdbc.queryOne(USER_COLUMNS + "WHERE email = ?", JdbcTenancyRepository::user, email);
  }

  @Override
  public Optional<UserKey> findUserByKeyDigest(byte[] digest) {
    return jdbc.queryOne(
        USER_BY_KEY, rs -> new UserKey(user(rs), rs.getBytes("key_digest")), (Object) digest);
  }

  private static final String PRINCIPAL =
      "SELECT u.id, u.email, u.global_admin, u.created_at, u.seq, k.id AS key_id, k.key_digest,"
          + " m.at_path,"
          + " m.role, m.created_at AS m_created_at, m.seq AS m_seq FROM api_keys k"
          + " JOIN users u ON u.id = k.user_id LEFT JOIN memberships m ON m.user_id = u.id"
          + " WHERE k.key_digest = ? AND k.revoked_at IS NULL ORDER BY m.seq";

  @Override
  public Optional<Principal> findPrincipalByKeyDigest(byte[] digest) {
    List<Object[]> rows =
        jdbc.query(
            PRINCIPAL,
            rs -> {
              User user = user(rs);
              byte[] stored = rs.getBytes("key_digest");
              String path = rs.getString("at_path");
              Membership m =
                  path == null
                      ? null
                      : new Membership(
                          user.id(),
                          Paths.parse(path),
                          Role.fromWireName(rs.getString("role")).orElseThrow(),
                          Jdbc.instant(rs, "m_created_at"),
                          rs.getLong("m_seq"));
              return new Object[] {user, stored, m, rs.getString("key_id")};
            },
            (Object) digest);
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    List<Membership> memberships = new java.util.ArrayList<>();
    for (Object[] row : rows) {
      if (row[2] != null) {
        memberships.add((Membership) row[2]);
      }
    }
    return Optional.of(
        new Principal(
            new UserKey((User) rows.get(0)[0], (byte[]) rows.get(0)[1]),
            memberships,
            Optional.of((String) rows.get(0)[3])));
  }

  @Override
  public long countUsers() {
    return jdbc.queryOne("SELECT COUNT(*) AS n FROM users", rs -> rs.getLong("n")).orElse(0L);
  }

  private static User user(ResultSet rs) throws SQLException {
    return new User(
        rs.getString("id"),
        rs.getString("email"),
        rs.getBoolean("global_admin"),
        Jdbc.instant(rs, "created_at"),
        rs.getLong("seq"));
  }

  @Override
  public void upsertMembership(Membership m) {
    jdbc.inTransaction(
        () -> {
          int updated =
              jdbc.update(UPDATE_MEMBERSHIP, m.role().wireName(), m.userId(), m.at().id());
          if (updated == 0) {
            jdbc.update(
                INSERT_MEMBERSHIP,
                m.userId(),
                m.at().id(),
                Paths.of(m.at()),
                m.role().wireName(),
                m.createdAt());
          }
        });
  }

  @Override
  public List<Membership> membershipsOf(String userId) {
    return jdbc.query(
        MEMBERSHIP_COLUMNS + "WHERE user_id = ? ORDER BY seq",
        JdbcTenancyRepository::membership,
        userId);
  }

  @Override
  public List<Membership> membersAt(Location at) {
    return jdbc.query(
        MEMBERSHIP_COLUMNS + "WHERE node_id = ? ORDER BY seq",
        JdbcTenancyRepository::membership,
        at.id());
  }

  @Override
  public boolean deleteMembership(String userId, String nodeId) {
    return jdbc.update("DELETE FROM memberships WHERE user_id = ? AND node_id = ?", userId, nodeId)
        > 0;
  }

  private static Membership membership(ResultSet rs) throws SQLException {
    return new Membership(
        rs.getString("user_id"),
        Paths.parse(rs.getString("at_path")),
        Role.fromWireName(rs.getString("role")).orElseThrow(),
        Jdbc.instant(rs, "created_at"),
        rs.getLong("seq"));
  }
}
