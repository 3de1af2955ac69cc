package io.credflow.store;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The few differences between the databases Credflow runs on, chosen from the driver's metadata.
 */
public enum Dialect {
  H2,
  POSTGRESQL;

  static Dialect detect(DatabaseMetaData meta) throws SQLException {
    String product = meta.getDatabaseProductName().toLowerCase(Locale.ROOT);
    if (product.contains("h2")) {
      return H2;
    }
    if (product.contains("postgres")) {
      return POSTGRESQL;
    }
    throw new StoreException(
        "database " + meta.getDatabaseProductName() + " is not supported: use H2 or PostgreSQL");
  }
}
