package io.credflow.account;

import io.credflow.store.Database;
import io.credflow.testing.PostgresDatabases;

/** Accounts on a fresh PostgreSQL database. */
class PostgresAccountServiceTest extends AccountServiceContract {
  private String url;

  @Override
  protected Database openDatabase() {
    url = PostgresDatabases.create();
    return Database.open(url, PostgresDatabases.USER, null);
  }

  @Override
  protected void dropDatabase() {
    if (url != null) {
      PostgresDatabases.drop(url);
    }
  }
}
