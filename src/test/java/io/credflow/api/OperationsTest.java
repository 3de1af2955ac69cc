package io.credflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.TestServer;
import io.credflow.testing.World;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OperationsTest {
  @RegisterExtension static final CredflowExtension credflow = CredflowExtension.h2();

  private final TestServer server = credflow.server();

  @Test
  void healthWhenDatabaseIsUpThenOkForProcessAndDatabase() {
    Api.Response r = new Api(server.baseUrl(), null).get("/health");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().path("status").asText()).isEqualTo("ok");
    assertThat(r.body().path("checks").path("database").asText()).isEqualTo("ok");
  }

  @Test
  void metricsWhenRequestsWereServedThenPrometheusTextCountsThemByRouteAndStatus() {
    server.admin().get("/v2/workspaces");
    server.as("wrong-key-0123456789").get("/v2/workspaces");
    Api.Response r = server.admin().get("/metrics");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(r.text())
        .contains("credflow_http_requests_seconds_count")
        .contains("route=\"/v2/workspaces\"")
        .contains("status=\"200\"")
        .contains("status=\"401\"")
        .contains("jvm_memory_used_bytes");
    assertThat(r.text()).doesNotContain(TestServer.ADMIN_KEY, "wrong-key-0123456789");
  }

  @Test
  void metricsWhenNoApiKeyIsSentThen401AndNothingOfTheMetrics() {
    Api.Response r = new Api(server.baseUrl(), null).get("/metrics");

    assertThat(r.status()).as(r.text()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).isPresent();
    assertThat(r.error().path("code").asText()).isEqualTo("unauthenticated");
    assertThat(r.text()).doesNotContain("credflow_http_requests", "jvm_");
  }

  @Test
  void metricsWhenTheKeyIsNotAGlobalAdminsThen403AndNothingOfTheMetrics() {
    World.Tenancy t = new World(server).tenancy("metrics");
    for (String key : new String[] {t.adminKey(), t.memberKey()}) {
      Api.Response r = server.as(key).get("/metrics");

      assertThat(r.status()).as(r.text()).isEqualTo(403);
      assertThat(r.text()).doesNotContain("credflow_http_requests", "jvm_");
    }
  }

  @Test
  void healthWhenAskedWithHeadOrOtherMethodThenNoStackTrace() {
    Api.Response r =
        new Api(server.baseUrl(), null)
            .send(
                new Api(server.baseUrl(), null)
                    .builder("/health")
                    .method("DELETE", HttpRequest.BodyPublishers.noBody()));
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.text()).doesNotContain("Exception", "at io.");
  }
}
