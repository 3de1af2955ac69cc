package io.credflow.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * One database: its connection pool, its dialect and its migrations. H2 (embedded, the default) and
 * PostgreSQL (production and scale-out) run the same migrations.
 */
public final class Database implements AutoCloseable {
  /** Pool size: enough for a 2-core machine's request threads, small enough for PostgreSQL. */
  public static final int DEFAULT_POOL_SIZE = 16;

  private final HikariDataSource dataSource;
  private final Dialect dialect;
  private final Jdbc jdbc;
  private final String url;

  private Database(HikariDataSource dataSource, Dialect dialect, String url) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.jdbc = new Jdbc(dataSource);
    this.url = url;
  }

  /** Opens a pool on {@code url}; fails fast with a clear message when it cannot connect. */
  public static Database open(String url, String user, String password) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    if (user != null) {
      config.setUsername(user);
    }
    if (password != null) {
      config.setPassword(password);
    }
    config.setMaximumPoolSize(DEFAULT_POOL_SIZE);
    config.setMinimumIdle(2);
    config.setPoolName("credflow");
    config.setConnectionTimeout(10_000);
    config.setInitializationFailTimeout(10_000);
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreException(
          "cannot connect to the database at " + redactUrl(url) + ": " + rootMessage(e), e);
    }
    try (Connection c = ds.getConnection()) {
      return new Database(ds, Dialect.detect(c.getMetaData()), url);
    } catch (SQLException | RuntimeException e) {
      ds.close();
      throw new StoreException(
          "cannot use the database at " + redactUrl(url) + ": " + rootMessage(e), e);
    }
  }

  /**
   * Applies the migrations that have not run yet: the common ones, and on PostgreSQL those only it
   * understands (triggers in PL/pgSQL), numbered between the common ones.
   */
  public void migrate() {
    String[] locations =
        dialect == Dialect.POSTGRESQL
            ? new String[] {"classpath:db/migration", "classpath:db/postgresql"}
            : new String[] {"classpath:db/migration"};
    Flyway.configure().dataSource(dataSource).locations(locations).load().migrate();
  }

  public Jdbc jdbc() {
    return jdbc;
  }

  public Dialect dialect() {
    return dialect;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** The URL without credentials, for messages. */
  public String describe() {
    return redactUrl(url);
  }

  /** Whether a trivial query answers, for health checks. */
  public boolean isHealthy() {
    try (Connection c = dataSource.getConnection()) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }

  static String redactUrl(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1********");
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return redactUrl(message);
  }
}
