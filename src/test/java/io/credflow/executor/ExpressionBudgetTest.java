package io.credflow.executor;

import static io.credflow.testing.ExecutorWorkspace.get;
import static io.credflow.testing.ExecutorWorkspace.reader;
import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.upstream.Upstream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A JSONata expression cannot exhaust the heap: one that doubles a string until it would fill it is
 * stopped by its evaluation budget and answered {@code 422} at the member, alone or forty at once,
 * and Credflow goes on answering.
 */
class ExpressionBudgetTest {
  /** "ab" doubled 26 times: 128 million characters, far beyond any budget. */
  private static final String DOUBLING =
      "($f := function($s, $n) { $n = 0 ? $s : $f($s & $s, $n - 1) }; $f(\"ab\", 26))";

  private static final String POINTER = "/data/attributes/config/reader/headers/0/value";

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().upstreamServer().executorWorkspace("budget");

  private final Upstream upstream = credflow.upstream();
  private final ExecutorWorkspace w = credflow.executorWorkspace();

  private Map<String, Object> doubling() {
    Map<String, Object> config = get(upstream.url("/echo/doubled"));
    reader(config).put("headers", List.of(Map.of("key", "X-Big", "value", DOUBLING)));
    return config;
  }

  private static void assertStoppedAtTheHeader(Api.Response r) {
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(r.error().path("code").asText()).isEqualTo("expression_failed");
    assertThat(r.error().path("source").path("pointer").asText()).isEqualTo(POINTER);
  }

  @Test
  void anExpressionThatDoublesAStringWithoutEndIsA422AtItsMember() {
    Api.Response r = w.send(doubling(), null, w.noauth());

    assertStoppedAtTheHeader(r);
    assertThat(r.error().path("detail").asText()).contains("characters and items");
    assertThat(upstream.count("/echo/doubled")).isZero();
  }

  @Test
  void fortyDoublingExpressionsAtOnceAreEach422AndCredflowGoesOn() throws Exception {
    List<Future<Api.Response>> answers = new ArrayList<>();
    try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 40; i++) {
        answers.add(callers.submit(() -> w.send(doubling(), null, w.noauth())));
      }
    }
    for (Future<Api.Response> answer : answers) {
      assertStoppedAtTheHeader(answer.get());
    }
    assertThat(w.send(get(upstream.url("/echo/after")), null, w.noauth()).status()).isEqualTo(200);
  }

  @Test
  void anExpressionThatMakesALargeButBoundedValueStillWorks() {
    Map<String, Object> config = get(upstream.url("/echo/large"));
    reader(config).put("method", "POST");
    reader(config)
        .put(
            "body",
            Map.of(
                "contentType",
                "text/plain",
                "raw",
                "$join([1..20000].($string($) & \"-\" & $getPassthrough().t), \",\")"));

    Api.Response r =
        w.send(config, Map.of("body", Map.of(), "passthrough", Map.of("t", "x")), w.noauth());

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(upstream.last().bodyText()).startsWith("1-x,2-x,").endsWith("20000-x");
  }
}
