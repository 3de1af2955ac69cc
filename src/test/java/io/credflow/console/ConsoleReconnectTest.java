package io.credflow.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.testing.Api;
import io.credflow.testing.ConsoleClient;
import io.credflow.testing.ConsoleClient.Page;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.World;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Credentials;
import io.credflow.testing.oauth.FakeOAuthProvider;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reconnect from the console, over HTTP against a real server and the fake provider: the page that
 * waits for the round trip is told "done" only once the credential holds the new tokens, so the
 * page it then opens never shows the credential as it was.
 */
class ConsoleReconnectTest {
  private static final String ADMIN = "admin@localhost";
  private static final String ADMIN_PASSWORD = "console reconnect admin password";

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2()
          .configure(c -> c.adminPassword(ADMIN_PASSWORD))
          .fakeOAuthProvider()
          .tenancy("reconnect");

  private static ConsoleClient admin;

  private final Api api = credflow.admin();
  private final World.Tenancy home = credflow.tenancy();
  private final FakeOAuthProvider provider = credflow.provider();

  @BeforeAll
  static void signInAdmin() {
    admin = ConsoleClient.of(credflow.server());
    Page page = admin.signIn(ADMIN, ADMIN_PASSWORD);
    assertThat(page.status()).as(page.toString()).isEqualTo(303);
  }

  @Test
  void reconnectWhenTheCodeIsBeingExchangedThenProgressWaitsAndIsDoneOnlyWithTheNewTokensStored()
      throws Exception {
    String authClient = AuthClients.oauth2().at(provider).clientAuth("basic").in(home).create(api);
    FakeOAuthProvider.Tokens first = provider.issueTokens("read");
    String credential =
        Credentials.named("Reconnected account")
            .authClient(authClient)
            .tokens(first, 3600)
            .create(api, home.workspace());
    String base = "/w/" + home.workspace();
    admin.get(base + "/credentials/" + credential);

    Page started =
        admin.postWithoutCsrf(
            base + "/authorize",
            Map.of("credential", credential, "_csrf", admin.csrf()),
            Map.of("Accept", "application/json"));
    assertThat(started.status()).as(started.toString()).isEqualTo(200);
    JsonNode round = Api.JSON.readTree(started.html());
    String progress = round.path("progress").asText();
    // While the provider is asked for tokens, the credential is not written yet.
    List<String> duringExchange = new ArrayList<>();
    provider.onNextTokenRequest(
        () ->
            duringExchange.add(status(admin.get(progress, Map.of("Accept", "application/json")))));

    URI callback = provider.followAuthorization(URI.create(round.path("authorize_url").asText()));
    Page landed = admin.get(callback.getRawPath() + "?" + callback.getRawQuery());

    assertThat(landed.status()).as(landed.toString()).isLessThan(400);
    assertThat(duringExchange).containsExactly("waiting");
    assertThat(status(admin.get(progress, Map.of("Accept", "application/json")))).isEqualTo("done");
    String released =
        api.post(
                "/v2/workspaces/" + home.workspace() + "/credentials/" + credential + "/access", "")
            .text();
    assertThat(released).doesNotContain(first.accessToken());
  }

  private static String status(Page page) {
    try {
      return Api.JSON.readTree(page.html()).path("status").asText();
    } catch (java.io.IOException e) {
      throw new AssertionError(page.toString(), e);
    }
  }
}
