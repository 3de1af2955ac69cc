package io.credflow.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowCluster;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.SettableClock;
import io.credflow.testing.World;
import io.credflow.testing.upstream.Upstream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two Credflow processes on one PostgreSQL database: a credential changed or deleted through one is
 * used as it is now by the other's requests once the stamp interval (one second, on the clock both
 * read) has passed: the first request after it already sees the change.
 */
class CrossProcessRequestTest {
  private static final Duration INTERVAL =
      io.credflow.credential.RequestAuthorities.STAMP_RECHECK.plusMillis(1);

  @Test
  void aChangeThroughOneProcessReachesTheOthersRequestsWithinTheInterval() throws Exception {
    SettableClock clock = SettableClock.startingNow();
    try (CredflowCluster cluster = CredflowCluster.postgres(2, clock);
        Upstream upstream = Upstream.start()) {
      Api one = cluster.admin(0);
      Api two = cluster.admin(1);
      String tenant =
          World.created(
              one.post("/v2/tenants", World.doc("tenant", Map.of("name", "x"), Map.of())));
      String contract =
          World.created(
              one.post(
                  "/v2/contracts",
                  World.doc(
                      "contract",
                      Map.of("name", "x"),
                      Map.of("tenant", World.rel("tenant", tenant)))));
      String ws =
          World.created(
              one.post(
                  "/v2/workspaces",
                  World.doc(
                      "workspace",
                      Map.of("name", "x"),
                      Map.of("contract", World.rel("contract", contract)))));
      Map<String, Object> descriptor =
          Map.of("title", "REST API V2", "authClientTypes", List.of("api_key"));
      String component =
          World.created(
              one.post(
                  "/v2/components",
                  World.doc(
                      "component",
                      Map.of("name", "REST API V2", "descriptor", descriptor),
                      Map.of("tenant", World.rel("tenant", tenant)))));
      String authClient =
          World.created(
              one.post(
                  "/v2/auth-clients",
                  World.authClientDoc(tenant, component, "api_key", Map.of("name", "X-Key"))));
      String credential =
          World.created(
              one.post(
                  "/v2/workspaces/" + ws + "/credentials",
                  World.credentialDoc("c", authClient, Map.of("value", "value-one"))));
      Map<String, Object> config = ExecutorWorkspace.get(upstream.url("/echo/x"));
      String path = "/v2/workspaces/" + ws + "/requests";
      ObjectNode request = ExecutorWorkspace.requestDoc(config, null, credential);

      assertThat(two.post(path, request).status()).isEqualTo(200);
      assertThat(upstream.last().header("X-Key")).containsExactly("value-one");

      ObjectNode patch =
          World.doc("credential", Map.of("credentials", Map.of("value", "value-two")), Map.of());
      ((ObjectNode) patch.path("data")).put("id", credential);
      assertThat(one.patch("/v2/workspaces/" + ws + "/credentials/" + credential, patch).status())
          .isEqualTo(200);
      clock.advance(INTERVAL);
      assertThat(two.post(path, request).status()).isEqualTo(200);
      assertThat(upstream.last().header("X-Key"))
          .as("the other process uses the new key once the interval has passed")
          .containsExactly("value-two");

      assertThat(one.delete("/v2/workspaces/" + ws + "/credentials/" + credential).status())
          .isEqualTo(204);
      clock.advance(INTERVAL);
      Api.Response afterDelete = two.post(path, request);
      assertThat(afterDelete.status()).as(afterDelete.text()).isEqualTo(404);
    }
  }
}
