package io.credflow.store;

import io.credflow.testing.PostgresDatabases;

/** The account repository contract on a fresh PostgreSQL database. */
class PostgresAccountRepositoryContractTest extends AccountRepositoryContract {
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
