package io.credflow.store;

import io.credflow.common.ConflictException;
import io.credflow.common.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The small JDBC layer every repository uses: parameter binding, row mapping, one connection per
 * transaction on the current thread, and translation of {@link SQLException} at this boundary.
 */
public final class Jdbc implements Transactions {
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String FOREIGN_KEY_VIOLATION = "23503";
  // H2 reports a missing parent row with its own state; PostgreSQL uses 23503 for both directions.
  private static final String H2_PARENT_MISSING = "23506";

  private final DataSource dataSource;
  private final ThreadLocal<Connection> current = new ThreadLocal<>();
  // What runs once the current thread's transaction committed (see afterCommit).
  private final ThreadLocal<List<Runnable>> afterCommit = new ThreadLocal<>();

  public Jdbc(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Maps one row. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
    return run(
        sql,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
              List<T> out = new ArrayList<>();
              while (rs.next()) {
                out.add(mapper.map(rs));
              }
              return out;
            }
          }
        });
  }

  public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... params) {
    List<T> rows = query(sql, mapper, params);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  public int update(String sql, Object... params) {
    return run(
        sql,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
          }
        });
  }

  /** Whether the current schema has a table of this (lower-case) name. */
  public boolean tableExists(String name) {
    return run(
        "metadata",
        c -> {
          for (String candidate : new String[] {name, name.toUpperCase(java.util.Locale.ROOT)}) {
            try (ResultSet rs =
                c.getMetaData().getTables(null, null, candidate, new String[] {"TABLE"})) {
              while (rs.next()) {
                String schema = rs.getString("TABLE_SCHEM");
                if (schema == null
                    || schema.equalsIgnoreCase(c.getSchema())
                    || schema.equalsIgnoreCase("public")) {
                  return true;
                }
              }
            }
          }
          return false;
        });
  }

  @Override
  public <T> T inTransaction(Supplier<T> work) {
    if (current.get() != null) {
      return work.get();
    }
    T result;
    List<Runnable> committed;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      current.set(c);
      try {
        result = work.get();
        c.commit();
      } catch (RuntimeException | Error e) {
        c.rollback();
        throw e;
      } finally {
        current.remove();
        committed = afterCommit.get();
        afterCommit.remove();
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("transaction failed: " + e.getMessage(), e);
    }
    if (committed != null) {
      committed.forEach(Runnable::run);
    }
    return result;
  }

  @Override
  public void afterCommit(Runnable action) {
    if (current.get() == null) {
      action.run();
      return;
    }
    List<Runnable> actions = afterCommit.get();
    if (actions == null) {
      actions = new ArrayList<>();
      afterCommit.set(actions);
    }
    actions.add(action);
  }

  private <T> T run(String sql, Work<T> work) {
    Connection tx = current.get();
    try {
      if (tx != null) {
        return work.run(tx);
      }
      try (Connection c = dataSource.getConnection()) {
        return work.run(c);
      }
    } catch (SQLException e) {
      throw translate(e, sql);
    }
  }

  private static RuntimeException translate(SQLException e, String sql) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (state.equals(UNIQUE_VIOLATION)) {
      return new ConflictException("duplicate", "a resource with the same unique value exists");
    }
    if (state.equals(FOREIGN_KEY_VIOLATION) || state.equals(H2_PARENT_MISSING)) {
      return new ConflictException(
          "in_use", "the resource is referenced by another one, or references a missing one");
    }
    String verb = sql.strip().split("\\s+", 2)[0];
    return new StoreException("database " + verb + " failed (SQL state " + state + ")", e);
  }

  private static void bind(PreparedStatement ps, Object... params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      Object p = params[i];
      if (p instanceof Optional<?> o) {
        p = o.orElse(null);
      }
      if (p instanceof Instant instant) {
        ps.setObject(i + 1, timestamp(instant));
      } else if (p == null) {
        ps.setNull(i + 1, java.sql.Types.NULL);
      } else {
        ps.setObject(i + 1, p);
      }
    }
  }

  /** Timestamps are kept to the microsecond, the precision both databases store. */
  static OffsetDateTime timestamp(Instant instant) {
    return OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  public static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  public static Optional<Instant> optionalInstant(ResultSet rs, String column) throws SQLException {
    return Optional.ofNullable(instant(rs, column));
  }
}
