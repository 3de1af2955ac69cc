package io.credflow.store;

import io.credflow.component.AuthClientType;
import io.credflow.component.Component;
import io.credflow.component.ComponentRepository;
import io.credflow.component.DescriptorParser;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Components over JDBC; the descriptor is a JSON column, checked again when read. */
public final class JdbcComponentRepository implements ComponentRepository {
  private static final String INSERT =
      "INSERT INTO components (id, tenant_id, deployed_path, name, descriptor, created_at,"
          + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
  private static final String COLUMNS =
      "SELECT id, deployed_path, name, descriptor, created_at, updated_at, seq FROM components ";
  private static final String UPDATE =
      "UPDATE components SET name = ?, descriptor = ?, updated_at = ? WHERE id = ?";
  private static final String LINKED_TYPES =
      "SELECT DISTINCT a.type FROM auth_clients a JOIN auth_client_components l"
          + " ON l.auth_client_id = a.id WHERE l.component_id = ?";
  private static final String COUNT_LINKS =
      "SELECT COUNT(*) AS n FROM auth_client_components WHERE component_id = ?";

  private final Jdbc jdbc;
  private final java.time.Clock clock;

  public JdbcComponentRepository(Jdbc jdbc, java.time.Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  @Override
  public void insert(Component c) {
    jdbc.update(
        INSERT,
        c.id(),
        c.deployedAt().tenantId(),
        Paths.of(c.deployedAt()),
        c.name(),
        Json.write(c.descriptor().document()),
        c.createdAt(),
        c.updatedAt());
  }

  @Override
  public Optional<Component> find(String id) {
    return jdbc.queryOne(COLUMNS + "WHERE id = ?", JdbcComponentRepository::component, id);
  }

  @Override
  public List<Component> list(Optional<Set<String>> tenantIds, long after, int limit) {
    if (tenantIds.isEmpty()) {
      return jdbc.query(
          COLUMNS + "WHERE seq > ? ORDER BY seq LIMIT ?",
          JdbcComponentRepository::component,
          after,
          limit);
    }
    return InClause.query(
        jdbc,
        COLUMNS + "WHERE seq > ? AND tenant_id IN (%s) ORDER BY seq LIMIT ?",
        tenantIds.get(),
        JdbcComponentRepository::component,
        after,
        limit);
  }

  @Override
  public void update(Component c) {
    jdbc.update(UPDATE, c.name(), Json.write(c.descriptor().document()), clock.instant(), c.id());
  }

  @Override
  public void delete(String id) {
    jdbc.update("DELETE FROM components WHERE id = ?", id);
  }

  @Override
  public Set<AuthClientType> linkedAuthClientTypes(String componentId) {
    Set<AuthClientType> types = EnumSet.noneOf(AuthClientType.class);
    jdbc.query(LINKED_TYPES, rs -> rs.getString("type"), componentId)
        .forEach(t -> AuthClientType.fromWireName(t).ifPresent(types::add));
    return types;
  }

  @Override
  public int countLinkedAuthClients(String componentId) {
    return jdbc.queryOne(COUNT_LINKS, rs -> rs.getInt("n"), componentId).orElse(0);
  }

  private static Component component(ResultSet rs) throws SQLException {
    return new Component(
        rs.getString("id"),
        rs.getString("name"),
        Paths.parse(rs.getString("deployed_path")),
        DescriptorParser.parse(Json.readMap(rs.getString("descriptor")), "/descriptor"),
        Jdbc.instant(rs, "created_at"),
        Jdbc.instant(rs, "updated_at"),
        rs.getLong("seq"));
  }
}
