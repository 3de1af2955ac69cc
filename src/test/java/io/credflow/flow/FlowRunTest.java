package io.credflow.flow;

import static io.credflow.testing.ExecutorWorkspace.get;
import static io.credflow.testing.ExecutorWorkspace.reader;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.Flows;
import io.credflow.testing.upstream.Received;
import io.credflow.testing.upstream.Upstream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Manual runs of a flow against a real upstream: messages pass from step to step. */
class FlowRunTest {
  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().manualTime().upstreamServer().executorWorkspace("flows");

  private final Upstream upstream = credflow.upstream();
  private final Api admin = credflow.admin();
  private final ExecutorWorkspace w = credflow.executorWorkspace();

  @Test
  void runWhenTwoStepsThenSecondGetsFirstOutputAsBodyAndPassthrough() {
    Map<String, Object> first = get(upstream.url("/echo/first"));
    Map<String, Object> second = get(upstream.url("/echo/second"));
    reader(second).put("method", "POST");
    reader(second)
        .put(
            "body",
            Map.of(
                "contentType",
                "application/json",
                "raw",
                "{\"fromBody\": body.responseBody.path, \"fromPassthrough\":"
                    + " $getPassthrough().one.statusCode, \"trigger\":"
                    + " $getPassthrough().trigger.order}"));
    String flow =
        Flows.create(
            admin,
            w.workspace(),
            Flows.activeManual(
                "two steps",
                List.of(
                    Flows.step("one", w.component(), w.basic(), first),
                    Flows.step("two", w.component(), w.noauth(), second))));

    String run = Flows.start(admin, w.workspace(), flow, Map.of("order", 42));
    JsonNode done = Flows.awaitRun(admin, w.workspace(), run, "succeeded", "failed");

    assertThat(done.path("attributes").path("status").asText())
        .as(done.toString())
        .isEqualTo("succeeded");
    JsonNode steps = done.path("attributes").path("steps");
    assertThat(steps).hasSize(2);
    assertThat(steps.get(0).path("status").asText()).isEqualTo("succeeded");
    assertThat(steps.get(0).path("attempts").asInt()).isEqualTo(1);
    assertThat(steps.get(0).path("output").path("statusCode").asInt()).isEqualTo(200);
    assertThat(steps.get(0).path("input").path("body").path("order").asInt()).isEqualTo(42);
    assertThat(steps.get(1).path("input").path("body").path("statusCode").asInt()).isEqualTo(200);
    assertThat(steps.get(1).path("input").path("passthrough").toString())
        .isEqualTo("[\"trigger\",\"one\"]");
    Received sent = upstream.requests("/echo/second").get(0);
    assertThat(sent.bodyText())
        .isEqualTo("{\"fromBody\":\"/echo/first\",\"fromPassthrough\":200,\"trigger\":42}");
    assertThat(upstream.requests("/echo/first").get(0).firstHeader("Authorization"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Basic "));
  }
}
