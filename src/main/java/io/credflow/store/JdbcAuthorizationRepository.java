package io.credflow.store;

import io.credflow.common.Secret;
import io.credflow.oauth.AuthorizationRepository;
import io.credflow.oauth.PendingAuthorization;
import io.credflow.oauth.PendingAuthorization.Stage;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Pending authorizations over JDBC; verifier and code are one ciphertext bound to the row. */
public final class JdbcAuthorizationRepository implements AuthorizationRepository {
  static final String TABLE = "authorizations";
  static final String SECRETS = "secrets";

  private static final String INSERT =
      "INSERT INTO authorizations (state_digest, workspace_id, auth_client_id, component_id,"
          + " user_id, credential_id, credential_name, redirect_uri, secrets, status, error_code,"
          + " error_detail, result_credential_id, created_at, expires_at, updated_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String FIND =
      "SELECT state_digest, workspace_id, auth_client_id, component_id, user_id, credential_id,"
          + " credential_name, redirect_uri, secrets, status, error_code, error_detail,"
          + " result_credential_id, created_at, expires_at, updated_at FROM authorizations"
          + " WHERE state_digest = ?";
  private static final String TRANSITION =
      "UPDATE authorizations SET secrets = ?, status = ?, error_code = ?, error_detail = ?,"
          + " result_credential_id = ?, updated_at = ? WHERE state_digest = ? AND status = ?";

  private final Jdbc jdbc;
  private final SecretColumns secrets;

  public JdbcAuthorizationRepository(Jdbc jdbc, SecretColumns secrets) {
    this.jdbc = jdbc;
    this.secrets = secrets;
  }

  @Override
  public void insert(PendingAuthorization a) {
    jdbc.update(
        INSERT,
        a.stateDigest(),
        a.workspaceId(),
        a.authClientId(),
        a.componentId(),
        a.userId(),
        a.credentialId(),
        a.credentialName(),
        a.redirectUri().toString(),
        seal(a),
        a.status().name(),
        errorCode(a),
        errorDetail(a),
        resultCredentialId(a),
        a.createdAt(),
        a.expiresAt(),
        a.updatedAt());
  }

  @Override
  public Optional<PendingAuthorization> find(String stateDigest) {
    return jdbc.queryOne(FIND, this::authorization, stateDigest);
  }

  @Override
  public boolean transition(PendingAuthorization.Status expected, PendingAuthorization a) {
    return jdbc.update(
            TRANSITION,
            seal(a),
            a.status().name(),
            errorCode(a),
            errorDetail(a),
            resultCredentialId(a),
            a.updatedAt(),
            a.stateDigest(),
            expected.name())
        == 1;
  }

  private byte[] seal(PendingAuthorization a) {
    Map<String, String> m = new LinkedHashMap<>();
    a.codeVerifier().ifPresent(v -> m.put("code_verifier", v.reveal()));
    if (a.stage() instanceof Stage.CodeReceived received) {
      m.put("code", received.code().reveal());
    }
    return secrets.seal(TABLE, a.stateDigest(), SECRETS, m);
  }

  private static Optional<String> errorCode(PendingAuthorization a) {
    return a.stage() instanceof Stage.Failed f ? Optional.of(f.errorCode()) : Optional.empty();
  }

  private static Optional<String> errorDetail(PendingAuthorization a) {
    return a.stage() instanceof Stage.Failed f ? Optional.of(f.detail()) : Optional.empty();
  }

  private static Optional<String> resultCredentialId(PendingAuthorization a) {
    return a.stage() instanceof Stage.Redeemed r ? r.credentialId() : Optional.empty();
  }

  /** The stage a row's status and columns describe. */
  private static Stage stage(ResultSet rs, Map<String, String> secrets) throws SQLException {
    return switch (PendingAuthorization.Status.valueOf(rs.getString("status"))) {
      case PENDING -> new Stage.Pending();
      case CODE_RECEIVED -> new Stage.CodeReceived(Secret.of(secrets.getOrDefault("code", "")));
      case FAILED ->
          new Stage.Failed(
              Optional.ofNullable(rs.getString("error_code")).orElse("provider_error"),
              Optional.ofNullable(rs.getString("error_detail")).orElse(""));
      case REDEEMED ->
          new Stage.Redeemed(Optional.ofNullable(rs.getString("result_credential_id")));
    };
  }

  private PendingAuthorization authorization(ResultSet rs) throws SQLException {
    String digest = rs.getString("state_digest");
    Map<String, String> m = secrets.open(TABLE, digest, SECRETS, rs.getBytes("secrets"));
    return new PendingAuthorization(
        digest,
        rs.getString("workspace_id"),
        rs.getString("auth_client_id"),
        rs.getString("component_id"),
        rs.getString("user_id"),
        Optional.ofNullable(rs.getString("credential_id")),
        Optional.ofNullable(rs.getString("credential_name")),
        URI.create(rs.getString("redirect_uri")),
        Optional.ofNullable(m.get("code_verifier")).map(Secret::of),
        stage(rs, m),
        Jdbc.instant(rs, "created_at"),
        Jdbc.instant(rs, "expires_at"),
        Jdbc.instant(rs, "updated_at"));
  }
}
