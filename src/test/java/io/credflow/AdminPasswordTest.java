package io.credflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.account.AccountService;
import io.credflow.common.Secret;
import io.credflow.tenancy.TenancyService;
import io.credflow.testing.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bootstrap admin's console password at start: CREDFLOW_ADMIN_PASSWORD sets it without a
 * browser; without it every start until the password is set hands out a new one-time setup link,
 * and the earlier link stops working.
 */
class AdminPasswordTest {
  private static final String PASSWORD = "admin password from the environment";

  @Test
  void startWhenAnAdminPasswordIsConfiguredThenTheAdminSignsInWithItAndNoLinkIsMade() {
    try (TestServer server =
        TestServer.start(false, Clock.systemUTC(), c -> c.adminPassword(PASSWORD))) {
      Credflow credflow = server.credflow();

      assertThat(credflow.adminSetupToken()).isEmpty();
      assertThat(
              credflow
                  .services()
                  .accounts()
                  .signIn(TenancyService.BOOTSTRAP_ADMIN_EMAIL, Secret.of(PASSWORD)))
          .isPresent();
      assertThat(credflow.newAdminKey()).contains(Secret.of(TestServer.ADMIN_KEY));
      assertThat(server.admin().get("/v2/users/" + adminId(credflow)).status())
          .as("the admin's API key works as before")
          .isEqualTo(200);
    }
  }

  @Test
  void startWhenNoAdminPasswordThenEachStartMakesANewLinkUntilThePasswordIsSet() {
    TestServer server = TestServer.start(false, Clock.systemUTC());
    try {
      AccountService accounts = server.credflow().services().accounts();
      Secret first = server.credflow().adminSetupToken().orElseThrow();
      assertThat(accounts.setupLink(first).orElseThrow().email())
          .isEqualTo(TenancyService.BOOTSTRAP_ADMIN_EMAIL);
      assertThat(server.credflow().publicUrl().toString())
          .isEqualTo("http://localhost:" + server.credflow().port());

      server = server.restart(Clock.systemUTC());
      accounts = server.credflow().services().accounts();
      Secret second = server.credflow().adminSetupToken().orElseThrow();
      assertThat(accounts.setupLink(first)).isEmpty();
      accounts.completeSetup(second, Secret.of(PASSWORD));

      server = server.restart(Clock.systemUTC());
      assertThat(server.credflow().adminSetupToken()).isEmpty();
      assertThat(
              server
                  .credflow()
                  .services()
                  .accounts()
                  .signIn(TenancyService.BOOTSTRAP_ADMIN_EMAIL, Secret.of(PASSWORD)))
          .isPresent();
    } finally {
      server.close();
    }
  }

  @Test
  void startWhenTheAdminHasAPasswordThenAConfiguredOneDoesNotReplaceIt(@TempDir Path data) {
    try (Credflow first = Credflow.start(config(data, PASSWORD), Clock.systemUTC())) {
      assertThat(first.adminSetupToken()).isEmpty();
    }
    String later = "a different password, configured later";
    try (Credflow restarted = Credflow.start(config(data, later), Clock.systemUTC())) {
      AccountService accounts = restarted.services().accounts();

      assertThat(restarted.adminSetupToken()).isEmpty();
      assertThat(accounts.signIn(TenancyService.BOOTSTRAP_ADMIN_EMAIL, Secret.of(PASSWORD)))
          .isPresent();
      assertThat(accounts.signIn(TenancyService.BOOTSTRAP_ADMIN_EMAIL, Secret.of(later))).isEmpty();
    }
  }

  private static Config config(Path data, String adminPassword) {
    return Config.builder()
        .port("0")
        .dataDir(data.toString())
        .adminApiKey(TestServer.ADMIN_KEY)
        .adminPassword(adminPassword)
        .refreshPoller(false)
        .build();
  }

  private static String adminId(Credflow credflow) {
    return credflow.services().tenancy().bootstrapAdminCaller().user().id();
  }
}
