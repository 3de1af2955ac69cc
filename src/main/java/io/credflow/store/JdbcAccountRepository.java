package io.credflow.store;

import io.credflow.account.AccountRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** Passwords, console sessions and setup links over JDBC. */
public final class JdbcAccountRepository implements AccountRepository {
  private static final String FIND_ACCOUNT =
      "SELECT u.id, p.hash FROM users u LEFT JOIN user_passwords p ON p.user_id = u.id"
          + " WHERE u.email = ?";
  private static final String PASSWORD_HASH = "SELECT hash FROM user_passwords WHERE user_id = ?";
  private static final String UPDATE_PASSWORD =
      "UPDATE user_passwords SET hash = ?, updated_at = ? WHERE user_id = ?";
  private static final String INSERT_PASSWORD =
      "INSERT INTO user_passwords (user_id, hash, updated_at) VALUES (?, ?, ?)";

  private static final String INSERT_SESSION =
      "INSERT INTO sessions (id, token_digest, user_id, created_at, last_seen_at, expires_at)"
          + " VALUES (?, ?, ?, ?, ?, ?)";
  private static final String FIND_SESSION =
      "SELECT id, user_id, created_at, last_seen_at, expires_at FROM sessions"
          + " WHERE token_digest = ?";
  private static final String TOUCH_SESSION =
      "UPDATE sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?";
  private static final String DELETE_SESSION = "DELETE FROM sessions WHERE token_digest = ?";
  private static final String DELETE_SESSIONS_OF = "DELETE FROM sessions WHERE user_id = ?";
  private static final String DELETE_ENDED_SESSIONS =
      "DELETE FROM sessions WHERE (expires_at <= ? OR last_seen_at <= ?)";
  private static final String DELETE_ENDED_SESSIONS_OF = DELETE_ENDED_SESSIONS + " AND user_id = ?";

  private static final String INSERT_SETUP_LINK =
      "INSERT INTO setup_links (token_digest, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)";
  private static final String FIND_SETUP_LINK =
      "SELECT l.user_id, u.email, l.created_at, l.expires_at, l.used_at FROM setup_links l"
          + " JOIN users u ON u.id = l.user_id WHERE l.token_digest = ?";
  private static final String USE_SETUP_LINK =
      "UPDATE setup_links SET used_at = ? WHERE token_digest = ? AND used_at IS NULL"
          + " AND expires_at > ?";
  private static final String DELETE_UNUSED_SETUP_LINKS_OF =
      "DELETE FROM setup_links WHERE user_id = ? AND used_at IS NULL";
  private static final String DELETE_EXPIRED_SETUP_LINKS =
      "DELETE FROM setup_links WHERE expires_at <= ?";

  private final Jdbc jdbc;

  public JdbcAccountRepository(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Optional<Account> findAccountByEmail(String email) {
    return jdbc.queryOne(
        FIND_ACCOUNT,
        rs -> new Account(rs.getString("id"), Optional.ofNullable(rs.getString("hash"))),
        email);
  }

  @Override
  public Optional<String> passwordHash(String userId) {
    return jdbc.queryOne(PASSWORD_HASH, rs -> rs.getString("hash"), userId);
  }

  @Override
  public void setPassword(String userId, String hash, Instant at) {
    jdbc.inTransaction(
        () -> {
          if (jdbc.update(UPDATE_PASSWORD, hash, at, userId) == 0) {
            jdbc.update(INSERT_PASSWORD, userId, hash, at);
          }
        });
  }

  @Override
  public void insertSession(StoredSession s, byte[] tokenDigest) {
    jdbc.update(
        INSERT_SESSION,
        s.id(),
        tokenDigest,
        s.userId(),
        s.createdAt(),
        s.lastSeenAt(),
        s.expiresAt());
  }

  @Override
  public Optional<StoredSession> findSession(byte[] tokenDigest) {
    return jdbc.queryOne(FIND_SESSION, JdbcAccountRepository::session, (Object) tokenDigest);
  }

  @Override
  public void touchSession(String sessionId, Instant at) {
    jdbc.update(TOUCH_SESSION, at, sessionId, at);
  }

  @Override
  public boolean deleteSession(byte[] tokenDigest) {
    return jdbc.update(DELETE_SESSION, (Object) tokenDigest) > 0;
  }

  @Override
  public int deleteSessionsOf(String userId) {
    return jdbc.update(DELETE_SESSIONS_OF, userId);
  }

  @Override
  public int deleteEndedSessions(Optional<String> userId, Instant now, Instant idleSince) {
    if (userId.isPresent()) {
      return jdbc.update(DELETE_ENDED_SESSIONS_OF, now, idleSince, userId.get());
    }
    return jdbc.update(DELETE_ENDED_SESSIONS, now, idleSince);
  }

  @Override
  public void insertSetupLink(
      byte[] tokenDigest, String userId, Instant createdAt, Instant expiresAt) {
    jdbc.update(INSERT_SETUP_LINK, tokenDigest, userId, createdAt, expiresAt);
  }

  @Override
  public Optional<StoredSetupLink> findSetupLink(byte[] tokenDigest) {
    return jdbc.queryOne(
        FIND_SETUP_LINK,
        rs ->
            new StoredSetupLink(
                rs.getString("user_id"),
                rs.getString("email"),
                Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "expires_at"),
                Jdbc.optionalInstant(rs, "used_at")),
        (Object) tokenDigest);
  }

  @Override
  public boolean useSetupLink(byte[] tokenDigest, Instant at) {
    return jdbc.update(USE_SETUP_LINK, at, tokenDigest, at) == 1;
  }

  @Override
  public int deleteUnusedSetupLinksOf(String userId) {
    return jdbc.update(DELETE_UNUSED_SETUP_LINKS_OF, userId);
  }

  @Override
  public int deleteExpiredSetupLinks(Instant now) {
    return jdbc.update(DELETE_EXPIRED_SETUP_LINKS, now);
  }

  private static StoredSession session(ResultSet rs) throws SQLException {
    return new StoredSession(
        rs.getString("id"),
        rs.getString("user_id"),
        Jdbc.instant(rs, "created_at"),
        Jdbc.instant(rs, "last_seen_at"),
        Jdbc.instant(rs, "expires_at"));
  }
}
