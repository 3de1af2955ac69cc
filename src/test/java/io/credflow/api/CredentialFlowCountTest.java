package io.credflow.api;

import static io.credflow.testing.ExecutorWorkspace.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.Flows;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A credential says how many flows use it, one by one and in a list. */
class CredentialFlowCountTest {
  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().manualTime().upstreamServer().executorWorkspace("counts");

  private final Api admin = credflow.admin();
  private final ExecutorWorkspace w = credflow.executorWorkspace();

  private int flowCount(String credential) {
    Api.Response r = admin.get("/v2/workspaces/" + w.workspace() + "/credentials/" + credential);
    assertThat(r.status()).isEqualTo(200);
    return r.attributes().path("flow_count").asInt(-1);
  }

  @Test
  void flowCountWhenFlowsUseTheCredentialThenItCountsThemUntilTheyAreDeleted() {
    String credential = w.credential("counted", basicAuthClientOf(w.basic()), basicSecrets());
    assertThat(flowCount(credential)).isZero();

    String twice =
        Flows.create(
            admin,
            w.workspace(),
            Flows.activeManual(
                "uses it twice",
                List.of(
                    Flows.step("a", w.component(), credential, get("http://127.0.0.1:9/a")),
                    Flows.step("b", w.component(), credential, get("http://127.0.0.1:9/b")))));
    Flows.create(
        admin,
        w.workspace(),
        Flows.activeManual(
            "uses it once",
            List.of(Flows.step("a", w.component(), credential, get("http://127.0.0.1:9/a")))));
    assertThat(flowCount(credential)).isEqualTo(2);

    JsonNode list =
        admin.get("/v2/workspaces/" + w.workspace() + "/credentials?page[size]=500").data();
    for (JsonNode c : list) {
      if (c.path("id").asText().equals(credential)) {
        assertThat(c.path("attributes").path("flow_count").asInt()).isEqualTo(2);
      } else if (c.path("id").asText().equals(w.noauth())) {
        assertThat(c.path("attributes").path("flow_count").asInt()).isZero();
      }
    }

    assertThat(admin.delete("/v2/workspaces/" + w.workspace() + "/flows/" + twice).status())
        .isEqualTo(204);
    assertThat(flowCount(credential)).isEqualTo(1);
  }

  private String basicAuthClientOf(String credential) {
    return admin
        .get("/v2/workspaces/" + w.workspace() + "/credentials/" + credential)
        .data()
        .path("relationships")
        .path("auth_client")
        .path("data")
        .path("id")
        .asText();
  }

  private static java.util.Map<String, Object> basicSecrets() {
    return java.util.Map.of("password", "another-password");
  }
}
