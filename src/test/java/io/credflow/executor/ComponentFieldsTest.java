package io.credflow.executor;

import static io.credflow.testing.ExecutorWorkspace.get;
import static io.credflow.testing.ExecutorWorkspace.reader;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.ManualTime;
import io.credflow.testing.upstream.Upstream;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The REST API component's fields beyond the reader, with the meaning and ranges of its {@code
 * component.json}: {@code noStrictSSL} against a TLS upstream whose certificate nobody signed,
 * {@code maxContentLength}, {@code maxBodyLength}, {@code maxRetries} (0 to 10, default 10), {@code
 * delay} between the requests of one step, and numbers sent as strings. Time is manual: the tests
 * assert the waits asked for.
 */
class ComponentFieldsTest {
  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2()
          .manualTime()
          .upstreamServer()
          .tlsUpstreamServer()
          .executorWorkspace("fields");

  private final ManualTime time = credflow.time();
  private final Upstream upstream = credflow.upstream();
  private final Upstream tls = credflow.tlsUpstream();
  private final ExecutorWorkspace w = credflow.executorWorkspace();

  private static JsonNode ok(Api.Response r) {
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.attributes();
  }

  private static void assertInvalidAt(Api.Response r, String member) {
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(r.error().path("source").path("pointer").asText())
        .isEqualTo("/data/attributes/config/" + member);
  }

  // --- noStrictSSL ------------------------------------------------------------------------------

  @Test
  void noStrictSslWhenSetThenASelfSignedCertificateIsAcceptedAndTheResultSaysSo() {
    Map<String, Object> config = get(tls.url("/echo/unverified"));
    config.put("noStrictSSL", true);

    JsonNode result = ok(w.send(config, null, w.basic()));

    assertThat(result.path("statusCode").asInt()).isEqualTo(200);
    assertThat(result.path("certificateVerified").asBoolean(true)).isFalse();
    assertThat(tls.count("/echo/unverified")).isEqualTo(1);
  }

  @Test
  void noStrictSslWhenUnsetThenTheSelfSignedCertificateIsRefusedEvenAfterAnUnverifiedRequest() {
    Map<String, Object> unverified = get(tls.url("/echo/first"));
    unverified.put("noStrictSSL", "true");
    ok(w.send(unverified, null, w.noauth()));

    Map<String, Object> verified = get(tls.url("/echo/second"));
    verified.put("errorPolicy", "throwError");
    Api.Response r = w.send(verified, null, w.noauth());

    assertThat(r.status()).as(r.text()).isEqualTo(502);
    assertThat(r.error().path("detail").asText()).startsWith("could not reach https://127.0.0.1:");
    assertThat(tls.count("/echo/second")).isZero();
    assertThat(
            ok(w.send(get(upstream.url("/echo/plain")), null, w.noauth()))
                .has("certificateVerified"))
        .isFalse();
  }

  // --- maxContentLength, maxBodyLength -------------------------------------------------------

  @Test
  void maxContentLengthWhenTheResponseIsLargerThenItIsA502NamingTheLimit() {
    Map<String, Object> config = get(upstream.url("/bytes?size=2000"));
    config.put("maxContentLength", 1000);

    Api.Response r = w.send(config, null, w.noauth());

    assertThat(r.status()).as(r.text()).isEqualTo(502);
    assertThat(r.error().path("code").asText()).isEqualTo("response_too_large");
    assertThat(r.error().path("detail").asText())
        .contains("1000 bytes")
        .contains("maxContentLength");

    config.put("maxContentLength", 2000);
    assertThat(ok(w.send(config, null, w.noauth())).path("statusCode").asInt()).isEqualTo(200);
  }

  @Test
  void maxContentLengthWhenOutOfItsRangeThenItIsA422() {
    for (Object bad : new Object[] {0, 20 * 1024 * 1024 + 1, "big", 1.5}) {
      Map<String, Object> config = get(upstream.url("/echo/x"));
      config.put("maxContentLength", bad);
      assertInvalidAt(w.send(config, null, w.noauth()), "maxContentLength");
    }
    assertThat(upstream.count("/echo")).isZero();
  }

  @Test
  void maxBodyLengthWhenTheBodyIsLargerThenItIsA422AndNothingIsSent() {
    Map<String, Object> config = get(upstream.url("/echo/upload"));
    reader(config).put("method", "POST");
    reader(config).put("body", Map.of("raw", "body.text", "contentType", "text/plain"));
    config.put("maxBodyLength", "10");

    Api.Response r = w.send(config, Map.of("body", Map.of("text", "x".repeat(11))), w.noauth());

    assertInvalidAt(r, "reader/body");
    assertThat(r.error().path("code").asText()).isEqualTo("request_too_large");
    assertThat(r.error().path("detail").asText()).contains("11 bytes").contains("10 bytes");
    assertThat(upstream.count("/echo/upload")).isZero();

    ok(w.send(config, Map.of("body", Map.of("text", "x".repeat(10))), w.noauth()));
    assertThat(upstream.last().bodyText()).hasSize(10);
    config.put("maxBodyLength", 0);
    assertInvalidAt(w.send(config, null, w.noauth()), "maxBodyLength");
  }

  // --- maxRetries
  // ---------------------------------------------------------------------------------

  @Test
  void maxRetriesWhenUnsetThenTenAttemptsAreMade() {
    Api.Response r = w.send(get(upstream.url("/status/503?retryAfter=1")), null, w.noauth());

    assertThat(r.status()).as(r.text()).isEqualTo(502);
    assertThat(r.error().path("detail").asText()).endsWith("(after 10 attempts)");
    assertThat(upstream.count("/status")).isEqualTo(10);
    assertThat(time.sleeps()).isEqualTo(Collections.nCopies(9, Duration.ofSeconds(1)));
  }

  @Test
  void maxRetriesWhenZeroThenOneAttemptIsStillMade() {
    Map<String, Object> config = get(upstream.url("/status/503?retryAfter=1"));
    config.put("maxRetries", 0);

    Api.Response r = w.send(config, null, w.noauth());

    assertThat(r.status()).as(r.text()).isEqualTo(502);
    assertThat(r.error().path("detail").asText()).endsWith("(after 1 attempt)");
    assertThat(upstream.count("/status")).isEqualTo(1);
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void numbersSentAsStringsAreTakenAndInvalidStringsAre422AtTheirMember() {
    Map<String, Object> config = get(upstream.url("/status/503?retryAfter=1"));
    config.put("maxRetries", "3");
    config.put("requestTimeoutPeriod", " 5000 ");
    config.put("maxRedirects", "0");
    Api.Response r = w.send(config, null, w.noauth());
    assertThat(r.error().path("detail").asText()).as(r.text()).endsWith("(after 3 attempts)");

    for (String member : new String[] {"maxRetries", "delay", "maxRedirects"}) {
      Map<String, Object> bad = get(upstream.url("/echo/x"));
      bad.put(member, "three");
      assertInvalidAt(w.send(bad, null, w.noauth()), member);
      bad.put(member, "11000000");
      assertInvalidAt(w.send(bad, null, w.noauth()), member);
    }
    Map<String, Object> bad = get(upstream.url("/echo/x"));
    bad.put("noStrictSSL", "yes");
    assertInvalidAt(w.send(bad, null, w.noauth()), "noStrictSSL");
  }

  // --- delay
  // --------------------------------------------------------------------------------------

  @Test
  void delayWhenRequestsOfOneStepFollowEachOtherThenTheirStartsAreSpacedNotTheFirstDelayed() {
    Map<String, Object> config = get(upstream.url("/echo/paced"));
    config.put("delay", 1_500);

    ok(w.send(config, null, w.apiKeyHeader()));
    assertThat(time.sleeps()).isEmpty();

    ok(w.send(config, null, w.apiKeyHeader()));
    assertThat(time.sleeps()).containsExactly(Duration.ofMillis(1_500));

    time.advance(Duration.ofMillis(1_000));
    ok(w.send(config, null, w.apiKeyHeader()));
    assertThat(time.sleeps()).containsExactly(Duration.ofMillis(1_500), Duration.ofMillis(500));

    time.advance(Duration.ofSeconds(2));
    ok(w.send(config, null, w.apiKeyHeader()));
    assertThat(time.sleeps()).hasSize(2);
  }

  @Test
  void delayWhenAnotherCredentialOrStepRequestsThenItIsNotDelayed() {
    Map<String, Object> config = get(upstream.url("/echo/step-a"));
    config.put("delay", 60_000);
    ok(w.send(config, null, w.apiKeyQuery()));
    ok(w.send(config, null, w.basic()));
    Map<String, Object> other = get(upstream.url("/echo/step-b"));
    other.put("delay", 60_000);
    ok(w.send(other, null, w.apiKeyQuery()));
    assertThat(time.sleeps()).isEmpty();

    ok(w.send(config, null, w.apiKeyQuery()));
    assertThat(time.sleeps()).containsExactly(Duration.ofMinutes(1));
  }
}
