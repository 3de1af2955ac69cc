package io.credflow.store;

import io.credflow.authclient.VerifyRequest;
import io.credflow.common.Secret;
import io.credflow.component.AuthClientType;
import io.credflow.credential.Credential;
import io.credflow.credential.CredentialError;
import io.credflow.credential.CredentialRepository;
import io.credflow.credential.CredentialSecrets;
import io.credflow.credential.CredentialState;
import io.credflow.credential.Verification;
import io.credflow.crypto.CryptoException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials over JDBC. The secrets are one Tink ciphertext bound to the row; every update is a
 * compare-and-set on {@code version}.
 */
public final class JdbcCredentialRepository implements CredentialRepository {
  static final String TABLE = "credentials";
  static final String SECRETS = "secrets";

  private static final String INSERT =
      "INSERT INTO credentials (id, workspace_id, auth_client_id, component_id, name, type, state,"
          + " error_code, error_detail, error_at, expires_at, scope, has_refresh_token, secrets,"
          + " created_by, version, created_at, updated_at, verify_request, verified_at,"
          + " verification)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String COLUMNS =
      "SELECT id, workspace_id, auth_client_id, component_id, name, type, state, error_code,"
          + " error_detail, error_at, expires_at, scope, secrets, created_by, version, created_at,"
          + " updated_at, seq, verify_request, verified_at, verification FROM credentials ";
  private static final String COMPARE_AND_SET =
      "UPDATE credentials SET name = ?, state = ?, error_code = ?, error_detail = ?, error_at = ?,"
          + " expires_at = ?, scope = ?, has_refresh_token = ?, secrets = ?, verify_request = ?,"
          + " version = ?, updated_at = ? WHERE id = ? AND version = ?";
  // A credential whose secrets cannot be read keeps its stored ciphertext, state and token
  // columns as they are: a keyset restored later reads them as they were.
  private static final String COMPARE_AND_SET_UNREADABLE =
      "UPDATE credentials SET name = ?, verify_request = ?, version = ?, updated_at = ?"
          + " WHERE id = ? AND version = ?";
  private static final String RECORD_VERIFICATION =
      "UPDATE credentials SET verified_at = ?, verification = ? WHERE id = ?";

  private final Jdbc jdbc;
  private final SecretColumns secrets;
  private final Clock clock;

  public JdbcCredentialRepository(Jdbc jdbc, SecretColumns secrets, Clock clock) {
    this.jdbc = jdbc;
    this.secrets = secrets;
    this.clock = clock;
  }

  @Override
  public void insert(Credential c) {
    jdbc.update(
        INSERT,
        c.id(),
        c.workspaceId(),
        c.authClientId(),
        c.componentId(),
        c.name(),
        c.type().wireName(),
        c.state().wireName(),
        c.error().map(CredentialError::code),
        c.error().map(CredentialError::detail),
        c.error().map(CredentialError::at),
        c.expiresAt(),
        c.scope(),
        c.hasRefreshToken(),
        secrets.seal(TABLE, c.id(), SECRETS, toMap(c.secrets())),
        c.createdBy(),
        c.version(),
        c.createdAt(),
        c.updatedAt(),
        verifyRequest(c),
        c.lastVerification().map(Verification::checkedAt),
        c.lastVerification().map(JdbcCredentialRepository::verification));
  }

  private static Optional<String> verifyRequest(Credential c) {
    return c.verifyRequest().map(v -> Json.write(v.reader()));
  }

  /** A verification without its time, which has a column of its own. */
  private static String verification(Verification v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ok", v.ok());
    m.put("network", v.network());
    m.put("status", v.status().orElse(null));
    m.put("detail", v.detail());
    return Json.write(m);
  }

  @Override
  public boolean recordVerification(String id, Verification v) {
    return jdbc.update(RECORD_VERIFICATION, v.checkedAt(), verification(v), id) == 1;
  }

  @Override
  public Optional<Credential> find(String id) {
    return jdbc.queryOne(COLUMNS + "WHERE id = ?", this::credential, id);
  }

  @Override
  public Optional<Stamp> stamp(String id) {
    return jdbc.queryOne(
        "SELECT c.workspace_id, c.version, a.updated_at, a.settings, a.secrets FROM credentials c"
            + " JOIN auth_clients a ON a.id = c.auth_client_id WHERE c.id = ?",
        rs -> {
          byte[] secrets = rs.getBytes("secrets");
          String authClientState =
              Jdbc.instant(rs, "updated_at")
                  + "|"
                  + rs.getString("settings")
                  + "|"
                  + (secrets == null ? "" : java.util.Base64.getEncoder().encodeToString(secrets));
          return new Stamp(rs.getString("workspace_id"), rs.getLong("version"), authClientState);
        },
        id);
  }

  @Override
  public List<Credential> list(String workspaceId, Filter filter, long after, int limit) {
    StringBuilder sql = new StringBuilder(COLUMNS).append("WHERE workspace_id = ? AND seq > ?");
    List<Object> params = new ArrayList<>(List.of(workspaceId, after));
    filter.componentId().ifPresent(v -> add(sql, params, " AND component_id = ?", v));
    filter.authClientId().ifPresent(v -> add(sql, params, " AND auth_client_id = ?", v));
    filter.state().ifPresent(v -> add(sql, params, " AND state = ?", v.wireName()));
    sql.append(" ORDER BY seq LIMIT ?");
    params.add(limit);
    return jdbc.query(sql.toString(), this::credential, params.toArray());
  }

  private static final String COUNT_BY_COMPONENT =
      "SELECT component_id, COUNT(*) AS n FROM credentials WHERE workspace_id = ?"
          + " GROUP BY component_id";

  @Override
  public Map<String, Integer> countByComponent(String workspaceId) {
    Map<String, Integer> counts = new java.util.LinkedHashMap<>();
    jdbc.query(
            COUNT_BY_COMPONENT,
            rs -> Map.entry(rs.getString("component_id"), rs.getInt("n")),
            workspaceId)
        .forEach(e -> counts.put(e.getKey(), e.getValue()));
    return counts;
  }

  private static void add(StringBuilder sql, List<Object> params, String clause, Object value) {
    sql.append(clause);
    params.add(value);
  }

  @Override
  public boolean compareAndSet(Credential c) {
    if (c.secretsUnreadable()) {
      return jdbc.update(
              COMPARE_AND_SET_UNREADABLE,
              c.name(),
              verifyRequest(c),
              c.version() + 1,
              clock.instant(),
              c.id(),
              c.version())
          == 1;
    }
    return jdbc.update(
            COMPARE_AND_SET,
            c.name(),
            c.state().wireName(),
            c.error().map(CredentialError::code),
            c.error().map(CredentialError::detail),
            c.error().map(CredentialError::at),
            c.expiresAt(),
            c.scope(),
            c.hasRefreshToken(),
            secrets.seal(TABLE, c.id(), SECRETS, toMap(c.secrets())),
            verifyRequest(c),
            c.version() + 1,
            clock.instant(),
            c.id(),
            c.version())
        == 1;
  }

  @Override
  public void delete(String id) {
    jdbc.update("DELETE FROM credentials WHERE id = ?", id);
  }

  private Credential credential(ResultSet rs) throws SQLException {
    String id = rs.getString("id");
    AuthClientType type = AuthClientType.fromWireName(rs.getString("type")).orElseThrow();
    Optional<CredentialError> error =
        Optional.ofNullable(rs.getString("error_code"))
            .map(
                code -> {
                  try {
                    return new CredentialError(
                        code, rs.getString("error_detail"), Jdbc.instant(rs, "error_at"));
                  } catch (SQLException e) {
                    throw new StoreException("cannot read the error of credential " + id, e);
                  }
                });
    CredentialState state = CredentialState.fromWireName(rs.getString("state")).orElseThrow();
    if (state != CredentialState.READY && error.isEmpty()) {
      // Every write records why a credential is not ready; a row without a reason was changed
      // by hand, and says so rather than pass as a reason.
      error =
          Optional.of(
              new CredentialError(
                  "unknown",
                  "no reason was recorded for this state",
                  Jdbc.instant(rs, "updated_at")));
    }
    CredentialSecrets secrets;
    Credential.Condition condition =
        Credential.Condition.of(state, state == CredentialState.READY ? Optional.empty() : error);
    byte[] sealed = rs.getBytes("secrets");
    try {
      secrets = fromMap(type, this.secrets.open(TABLE, id, SECRETS, sealed));
    } catch (CryptoException | StoreException e) {
      // One credential this keyset cannot open must not take its whole workspace's list down:
      // it reads as in error, saying why, and authorizes nothing.
      secrets = new CredentialSecrets.Unreadable();
      condition =
          new Credential.Condition.Failed(
              new CredentialError(
                  CredentialSecrets.Unreadable.CODE,
                  "the secrets of credential "
                      + id
                      + " cannot be decrypted: "
                      + this.secrets.whyUnreadable(sealed)
                      + ". Start Credflow with the keyset they were written under, or give the"
                      + " credential new secrets or delete it",
                  clock.instant()));
    }
    return new Credential(
        id,
        new Credential.Owner(
            rs.getString("workspace_id"),
            rs.getString("auth_client_id"),
            rs.getString("component_id"),
            rs.getString("created_by")),
        rs.getString("name"),
        new Credential.Grant(
            type,
            secrets,
            type.isOAuth() ? Jdbc.optionalInstant(rs, "expires_at") : Optional.empty(),
            type.isOAuth() ? Optional.ofNullable(rs.getString("scope")) : Optional.empty()),
        condition,
        new Credential.Revision(
            rs.getLong("version"),
            Jdbc.instant(rs, "created_at"),
            Jdbc.instant(rs, "updated_at"),
            rs.getLong("seq")),
        check(rs));
  }

  private static Credential.Check check(ResultSet rs) throws SQLException {
    Optional<VerifyRequest> request =
        Optional.ofNullable(rs.getString("verify_request"))
            .map(j -> new VerifyRequest(Json.readMap(j)));
    Optional<Instant> at = Jdbc.optionalInstant(rs, "verified_at");
    String stored = rs.getString("verification");
    Optional<Verification> last = Optional.empty();
    if (at.isPresent() && stored != null) {
      Map<String, Object> m = Json.readMap(stored);
      last =
          Optional.of(
              new Verification(
                  Boolean.TRUE.equals(m.get("ok")),
                  at.get(),
                  Boolean.TRUE.equals(m.get("network")),
                  m.get("status") instanceof Number n
                      ? Optional.of(n.intValue())
                      : Optional.empty(),
                  String.valueOf(m.getOrDefault("detail", ""))));
    }
    return new Credential.Check(request, last);
  }

  static Map<String, String> toMap(CredentialSecrets s) {
    Map<String, String> m = new LinkedHashMap<>();
    switch (s) {
      case CredentialSecrets.None n -> {}
      case CredentialSecrets.Basic b -> {
        m.put("username", b.username());
        m.put("password", b.password().reveal());
      }
      case CredentialSecrets.ApiKey k -> k.value().ifPresent(v -> m.put("value", v.reveal()));
      case CredentialSecrets.Tokens t -> {
        m.put("access_token", t.accessToken().reveal());
        t.refreshToken().ifPresent(r -> m.put("refresh_token", r.reveal()));
      }
      case CredentialSecrets.Unreadable u ->
          throw new IllegalStateException("secrets that could not be read are never written");
    }
    return m;
  }

  static CredentialSecrets fromMap(AuthClientType type, Map<String, String> m) {
    return switch (type) {
      case NOAUTH -> new CredentialSecrets.None();
      case BASIC ->
          new CredentialSecrets.Basic(m.getOrDefault("username", ""), Secret.of(m.get("password")));
      case API_KEY ->
          new CredentialSecrets.ApiKey(Optional.ofNullable(m.get("value")).map(Secret::of));
      case OAUTH2, OAUTH2_INSTAGRAM ->
          new CredentialSecrets.Tokens(
              Secret.of(m.get("access_token")),
              Optional.ofNullable(m.get("refresh_token")).map(Secret::of));
    };
  }
}
