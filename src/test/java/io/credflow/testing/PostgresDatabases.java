package io.credflow.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Fresh PostgreSQL databases on the machine's server (127.0.0.1:5432, user postgres, trust auth),
 * one per test class or test, dropped afterwards. Override with CREDFLOW_TEST_PG_URL (the admin
 * database URL) where the server lives elsewhere.
 */
public final class PostgresDatabases {
  public static final String ADMIN_URL =
      System.getenv().getOrDefault("CREDFLOW_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  public static final String USER =
      System.getenv().getOrDefault("CREDFLOW_TEST_PG_USER", "postgres");

  private PostgresDatabases() {}

  /** A new empty database; returns its JDBC URL. */
  public static String create() {
    String name = "credflow_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    exec("CREATE DATABASE " + name);
    return urlOf(name);
  }

  public static void drop(String url) {
    String name = url.substring(url.lastIndexOf('/') + 1);
    exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  private static String urlOf(String name) {
    return ADMIN_URL.substring(0, ADMIN_URL.lastIndexOf('/') + 1) + name;
  }

  private static void exec(String sql) {
    try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, null);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "PostgreSQL at " + ADMIN_URL + " is needed by this test (" + sql + "): " + e.getMessage(),
          e);
    }
  }
}
