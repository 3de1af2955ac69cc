package io.credflow.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.testing.Api;
import io.credflow.testing.TestServer;
import io.credflow.testing.World;
import io.credflow.testing.oauth.FakeOAuthProvider;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OAuthFlowSmokeTest {
  @Test
  void authenticateWhenBrowserFollowsTheRedirectThenSavingWithStateStoresBearerTokens() {
    try (TestServer server = TestServer.h2();
        FakeOAuthProvider provider = FakeOAuthProvider.start().requirePkce(true)) {
      World world = new World(server);
      World.Tenancy t = world.tenancy("oauth");
      Map<String, Object> settings =
          Map.of(
              "client_id", provider.clientId(),
              "client_secret", provider.clientSecret(),
              "auth_uri", provider.authorizeUri().toString(),
              "token_uri", provider.tokenUri().toString(),
              "client_auth", "basic");
      String authClient =
          world.authClient(server.admin(), t.tenant(), t.component(), "oauth2", settings);
      Api member = server.as(t.memberKey());

      ObjectNode start =
          World.doc(
              "authorization",
              Map.of(),
              Map.of("auth_client", World.rel("auth-client", authClient)));
      Api.Response started =
          member.post("/v2/workspaces/" + t.workspace() + "/authorizations", start);
      assertThat(started.status()).as(started.text()).isEqualTo(201);
      URI authorizeUrl = URI.create(started.attributes().path("authorize_url").asText());
      String state = started.attributes().path("state").asText();
      assertThat(authorizeUrl.getQuery()).contains("code_challenge_method=S256", "state=" + state);

      URI callback = provider.followAuthorization(authorizeUrl);
      Api.Response landed =
          member.send(HttpRequest.newBuilder(callback).header("Accept", "application/json").GET());
      assertThat(landed.status()).as(landed.text()).isEqualTo(200);

      Api.Response saved =
          member.post(
              "/v2/workspaces/" + t.workspace() + "/credentials",
              World.credentialDoc("oauth", authClient, Map.of("state", state)));
      assertThat(saved.status()).as(saved.text()).isEqualTo(201);
      assertThat(saved.attributes().path("header").path("value").asText())
          .isEqualTo("Bearer ********");
      assertThat(saved.attributes().path("has_refresh_token").asBoolean()).isTrue();

      Api.Response access =
          member.post(
              "/v2/workspaces/" + t.workspace() + "/credentials/" + saved.id() + "/access", "");
      String bearer = access.attributes().path("header").path("value").asText();
      assertThat(provider.isAccessTokenValid(bearer.substring("Bearer ".length()))).isTrue();

      Api.Response refreshed =
          member.post(
              "/v2/workspaces/" + t.workspace() + "/credentials/" + saved.id() + "/refresh", "");
      assertThat(refreshed.status()).as(refreshed.text()).isEqualTo(200);
      assertThat(provider.tokenRequestCount("refresh_token")).isEqualTo(1);
      assertThat(provider.reuseDetected()).isZero();

      Api.Response replay =
          member.post(
              "/v2/workspaces/" + t.workspace() + "/credentials",
              World.credentialDoc("again", authClient, Map.of("state", state)));
      assertThat(replay.status()).as(replay.text()).isEqualTo(422);
    }
  }
}
