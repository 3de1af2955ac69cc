package io.credflow.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowCluster;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.World;
import io.credflow.testing.upstream.Upstream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Two Credflow processes on one PostgreSQL database: a credential changed or deleted through one is
 * used as it is now by the other's requests within the stamp interval (one second).
 */
class CrossProcessRequestTest {
  private static final Duration BOUND =
      io.credflow.credential.RequestAuthorities.STAMP_RECHECK.plusMillis(700);

  @Test
  void aChangeThroughOneProcessReachesTheOthersRequestsWithinTheInterval() throws Exception {
    try (CredflowCluster cluster = CredflowCluster.postgres(2, Clock.systemUTC());
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
      long changed = System.nanoTime();
      Optional<Duration> seen = Optional.empty();
      while (seen.isEmpty() && System.nanoTime() - changed < BOUND.toNanos() * 3) {
        assertThat(two.post(path, request).status()).isEqualTo(200);
        if (upstream.last().header("X-Key").equals(List.of("value-two"))) {
          seen = Optional.of(Duration.ofNanos(System.nanoTime() - changed));
        }
        Thread.sleep(20);
      }
      assertThat(seen).as("the other process used the new key").isPresent();
      assertThat(seen.get()).isLessThan(BOUND);

      assertThat(one.delete("/v2/workspaces/" + ws + "/credentials/" + credential).status())
          .isEqualTo(204);
      long deleted = System.nanoTime();
      int status = 200;
      while (status == 200 && System.nanoTime() - deleted < BOUND.toNanos() * 3) {
        status = two.post(path, request).status();
        Thread.sleep(20);
      }
      assertThat(status).isEqualTo(404);
      assertThat(Duration.ofNanos(System.nanoTime() - deleted)).isLessThan(BOUND);
    }
  }
}
