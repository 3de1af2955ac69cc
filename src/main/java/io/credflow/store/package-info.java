/**
 * JDBC repositories for H2 and PostgreSQL, Flyway migrations, transactions, and the encryption of
 * secret columns (Tink AEAD bound to row and field). The only package that knows SQL.
 */
package io.credflow.store;
