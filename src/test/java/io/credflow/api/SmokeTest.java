package io.credflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.testing.Api;
import io.credflow.testing.TestServer;
import io.credflow.testing.World;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void seedBodyWhenPostedAsItIsThenNoauthAuthClientIsCreatedOnH2AndPostgres() {
    for (TestServer server : new TestServer[] {TestServer.h2(), TestServer.postgres()}) {
      try (server) {
        World world = new World(server);
        World.Tenancy t = world.tenancy("acme");
        String body =
            """
            {"data":{"type":"auth-client",
              "attributes":{"type":"noauth","name":"No Auth","credentials":{}},
              "relationships":{
                "components":{"data":[{"id":"%s","type":"component"}]},
                "tenant":{"data":{"id":"%s","type":"tenant"}}}}}
            """
                .formatted(t.component(), t.tenant());
        Api.Response r = server.admin().post("/v2/auth-clients", body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.attributes().path("type").asText()).isEqualTo("noauth");
        assertThat(r.header("Location")).contains("/v2/auth-clients/" + r.id());
        Api.Response cred =
            server
                .as(t.memberKey())
                .post(
                    "/v2/workspaces/" + t.workspace() + "/credentials",
                    World.credentialDoc("open", r.id(), Map.of()));
        assertThat(cred.status()).as(cred.text()).isEqualTo(201);
        assertThat(cred.attributes().path("header").isNull()).isTrue();
      }
    }
  }
}
