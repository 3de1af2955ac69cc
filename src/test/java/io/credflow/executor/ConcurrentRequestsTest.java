package io.credflow.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.tenancy.Caller;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.SettableClock;
import io.credflow.testing.oauth.FakeOAuthProvider;
import io.credflow.testing.upstream.Received;
import io.credflow.testing.upstream.Upstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The request action under concurrency, through the Java API an embedding runtime uses: one shared
 * spec, thousands of messages on virtual threads, and every result is its own message's (nothing
 * about one call leaks into another); many calls of one expired OAuth2 credential refresh it once.
 * No refresh poller runs, so every refresh here is one a call caused.
 */
class ConcurrentRequestsTest {
  private static final int THREADS = 64;
  private static final int CALLS_PER_THREAD = 50;
  private static final long LIFETIME = 3600;

  // Real waits: the callers race for real.
  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().settableClock().upstreamServer().executorWorkspace("concurrent");

  private final SettableClock clock = credflow.clock();
  private final Upstream upstream = credflow.upstream();
  private final FakeOAuthProvider provider = credflow.provider();
  private final ExecutorWorkspace w = credflow.executorWorkspace();
  private final RestApiAction action = credflow.server().credflow().services().requests();
  private final Caller admin =
      credflow.server().credflow().services().tenancy().bootstrapAdminCaller();

  @BeforeAll
  static void slowTheTokenEndpoint() {
    // A slow token endpoint holds the refresh open while the other calls pile up behind it.
    credflow.provider().responseDelay(Duration.ofMillis(300));
  }

  /** POSTs the message's id in the URL path and query, a header and the JSON body. */
  private RequestSpec echoSpec(String path) {
    Map<String, Object> reader = new LinkedHashMap<>();
    reader.put("method", "POST");
    reader.put(
        "url",
        ExecutorWorkspace.lit(upstream.url(path + "/"))
            + " & body.id & \"?m=\" & $encodeUrlComponent(body.id)");
    reader.put("headers", List.of(Map.of("key", "X-Message", "value", "body.id")));
    reader.put("body", Map.of("raw", "{\"id\": body.id, \"n\": body.n}"));
    return SpecParser.parse(Map.of("reader", reader), "/config");
  }

  @Test
  void manyThreadsOnOneSpecEachGetTheirOwnMessagesResult() throws Exception {
    RequestSpec spec = echoSpec("/echo/c");
    Queue<String> problems = new ConcurrentLinkedQueue<>();
    CountDownLatch go = new CountDownLatch(1);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        running.add(
            threads.submit(
                () -> {
                  go.await();
                  for (int c = 0; c < CALLS_PER_THREAD; c++) {
                    String id = "t" + thread + "-c" + c;
                    Message message = Message.of(Map.of("id", id, "n", thread * 1000 + c), null);
                    try {
                      RequestResult result =
                          action.execute(admin, w.workspace(), w.apiKeyHeader(), spec, message);
                      check("/echo/c/", id, thread * 1000 + c, result).ifPresent(problems::add);
                    } catch (RuntimeException e) {
                      problems.add(id + " failed: " + e);
                    }
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : running) {
        f.get();
      }
    }
    assertThat(problems).isEmpty();
    List<Received> arrived = upstream.requests("/echo/c/");
    assertThat(arrived).hasSize(THREADS * CALLS_PER_THREAD);
    Set<String> ids = new HashSet<>();
    for (Received r : arrived) {
      String id = r.path().substring("/echo/c/".length());
      assertThat(r.header("X-Message")).as(id).containsExactly(id);
      assertThat(r.queryParam("m")).as(id).contains(id);
      assertThat(r.header(ExecutorWorkspace.HEADER_KEY_NAME))
          .containsExactly(ExecutorWorkspace.HEADER_KEY);
      ids.add(id);
    }
    assertThat(ids).as("every message sent exactly once").hasSize(THREADS * CALLS_PER_THREAD);
  }

  /** What is wrong with {@code result} for the message {@code id} to {@code path}, if anything. */
  private static Optional<String> check(String path, String id, int n, RequestResult result) {
    if (result.statusCode() != 200 || !(result.responseBody() instanceof Map<?, ?> echo)) {
      return Optional.of(id + ": " + result.statusCode() + " " + result.responseBody());
    }
    Object seenPath = echo.get("path");
    Object query = ((Map<?, ?>) echo.get("query")).get("m");
    Object header = ((Map<?, ?>) echo.get("headers")).get("x-message");
    Object body = echo.get("body");
    String expectedBody = "{\"id\":\"" + id + "\",\"n\":" + n + "}";
    if (!(path + id).equals(seenPath)
        || !List.of(id).equals(query)
        || !List.of(id).equals(header)
        || !expectedBody.equals(body)) {
      return Optional.of(
          id
              + " got another message's result: "
              + seenPath
              + " "
              + query
              + " "
              + header
              + " "
              + body);
    }
    return Optional.empty();
  }

  @Test
  void manyCallsOfOneExpiredOAuth2CredentialRefreshItOnceAndAllSucceed() throws Exception {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String credential = w.oauthCredential(tokens, LIFETIME);
    clock.advance(Duration.ofSeconds(LIFETIME + 1));
    int refreshesBefore = provider.tokenRequestCount("refresh_token");
    RequestSpec spec = echoSpec("/echo/oauth");

    CountDownLatch go = new CountDownLatch(1);
    List<Future<RequestResult>> calls = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int t = 0; t < THREADS; t++) {
        Message message = Message.of(Map.of("id", "o" + t, "n", t), null);
        calls.add(
            threads.submit(
                () -> {
                  go.await();
                  return action.execute(admin, w.workspace(), credential, spec, message);
                }));
      }
      go.countDown();
      for (int t = 0; t < THREADS; t++) {
        RequestResult result = calls.get(t).get();
        assertThat(check("/echo/oauth/", "o" + t, t, result)).isEmpty();
      }
    }

    assertThat(provider.tokenRequestCount("refresh_token") - refreshesBefore).isEqualTo(1);
    assertThat(provider.reuseDetected()).isZero();
    List<String> sent =
        upstream.requests("/echo/oauth/").stream()
            .map(r -> r.firstHeader("Authorization").orElseThrow())
            .distinct()
            .toList();
    assertThat(sent).hasSize(1);
    String fresh = sent.get(0).substring("Bearer ".length());
    assertThat(fresh).isNotEqualTo(tokens.accessToken());
    assertThat(provider.isAccessTokenValid(fresh)).isTrue();
    assertThat(upstream.requests("/echo/oauth/")).hasSize(THREADS);
  }
}
