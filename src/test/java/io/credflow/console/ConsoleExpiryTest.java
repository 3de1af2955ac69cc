package io.credflow.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.testing.Api;
import io.credflow.testing.ConsoleClient;
import io.credflow.testing.ConsoleClient.Page;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ManualTime;
import io.credflow.testing.World;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Credentials;
import io.credflow.testing.oauth.FakeOAuthProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Credentials pages' banner of what expires within the warning window (7 days) that no refresh
 * renews, and the line on a credential's page, over HTTP against a real server on a manual clock.
 */
class ConsoleExpiryTest {
  private static final String ADMIN = "admin@localhost";
  private static final String ADMIN_PASSWORD = "console expiry admin password";

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2()
          .manualTime()
          .configure(c -> c.adminPassword(ADMIN_PASSWORD))
          .fakeOAuthProvider()
          .tenancy("expirypages");

  private static ConsoleClient admin;

  private final Api api = credflow.admin();
  private final World.Tenancy home = credflow.tenancy();
  private final FakeOAuthProvider provider = credflow.provider();
  private final ManualTime time = credflow.time();

  @BeforeAll
  static void signInAdmin() {
    admin = ConsoleClient.of(credflow.server());
    Page page = admin.signIn(ADMIN, ADMIN_PASSWORD);
    assertThat(page.status()).as(page.toString()).isEqualTo(303);
  }

  private String credential(String name, Map<String, ?> authClientSettings) {
    String authClient =
        AuthClients.oauth2()
            .at(provider)
            .clientAuth("basic")
            .credentials(authClientSettings)
            .in(home)
            .create(api);
    return Credentials.named(name)
        .authClient(authClient)
        .tokens(provider.issueTokens("read"), 3600)
        .create(api, home.workspace());
  }

  @Test
  void credentialsPagesWhenThingsExpireWithinSevenDaysThenABannerSaysWhatWhenAndWhatToDo() {
    String base = "/w/" + home.workspace() + "/credentials";
    Instant secretExpires = time.now().plus(Duration.ofDays(5));
    String secretSoon =
        credential("Secret soon", Map.of("client_secret_expires_at", secretExpires.toString()));
    String tokenLater =
        credential(
            "Token later",
            Map.of("refresh_token_lifetime", Duration.ofDays(7).plusHours(1).toSeconds()));
    String calm = credential("Calm", Map.of());

    Page grid = admin.get(base);
    assertThat(grid.status()).as(grid.toString()).isEqualTo(200);
    String banner = ConsoleClient.unescape(grid.html());
    assertThat(banner)
        .contains("1 credential expires within 7 days:")
        .contains("<a href=\"" + base + "/" + secretSoon + "\">Secret soon</a>")
        .contains("the client secret of its auth-client expires")
        .contains("Replace the client secret on the auth-client")
        .contains("Edit the auth-client")
        .doesNotContain("Token later</a>")
        .doesNotContain("Calm</a>");

    // Within the session's 12 idle hours: the refresh token's expiry enters the window.
    time.advance(Duration.ofHours(2));
    Page list = admin.get(base + "/c/" + home.component());
    String both = ConsoleClient.unescape(list.html());
    assertThat(list.status()).as(list.toString()).isEqualTo(200);
    assertThat(both)
        .contains("2 credentials expire within 7 days:")
        .contains("<a href=\"" + base + "/" + tokenLater + "\">Token later</a>")
        .contains("its refresh token expires")
        .contains("Reconnect it before then");
    assertThat(both.indexOf("Secret soon</a>")).isLessThan(both.indexOf("Token later</a>"));

    Page page = admin.get(base + "/" + tokenLater);
    String line = ConsoleClient.unescape(page.html());
    assertThat(page.status()).as(page.toString()).isEqualTo(200);
    assertThat(line)
        .contains("Expiring within 7 days:")
        .contains("its refresh token expires")
        .contains("Refresh token expires</dt>");
    Page quiet = admin.get(base + "/" + calm);
    assertThat(ConsoleClient.unescape(quiet.html())).doesNotContain("Expiring within");
  }
}
