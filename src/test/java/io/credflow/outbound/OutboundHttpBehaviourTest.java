package io.credflow.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.testing.upstream.Received;
import io.credflow.testing.upstream.Upstream;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the outbound client does on its own, against a real upstream that records requests as sent:
 * nothing that answers, retries or authenticates for Credflow. Every status comes back as it was
 * answered (a 401 with or without a challenge, a 407), so that Credflow alone decides what follows;
 * the request carries only what Credflow put in it, plus one User-Agent and the gzip it decodes.
 */
class OutboundHttpBehaviourTest {
  private static Upstream upstream;
  private static OutboundHttp outbound;

  @BeforeAll
  static void start() {
    upstream = Upstream.start();
    outbound = OutboundHttp.start(new OutboundPolicy(true, HostResolver.SYSTEM));
  }

  @AfterAll
  static void stop() {
    outbound.close();
    upstream.close();
  }

  @BeforeEach
  void clear() {
    upstream.clear();
  }

  private static ContentResponse get(String path) throws Exception {
    Request request = outbound.newRequest(URI.create(upstream.url(path)));
    return request.timeout(10, TimeUnit.SECONDS).send();
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "bearer", "basic"})
  void sendWhenTheUpstreamAnswers401ThenThe401IsTheResponseWhateverItsChallenge(String challenge)
      throws Exception {
    ContentResponse response = get("/protected/x?challenge=" + challenge);

    assertThat(response.getStatus()).isEqualTo(401);
    assertThat(response.getContentAsString()).contains("invalid_token");
    assertThat(upstream.count("/protected")).isEqualTo(1);
  }

  @Test
  void sendWhenTheUpstreamAnswers407WithoutAChallengeThenThe407IsTheResponse() throws Exception {
    ContentResponse response = get("/status/407");

    assertThat(response.getStatus()).isEqualTo(407);
    assertThat(upstream.count("/status")).isEqualTo(1);
  }

  @Test
  void sendWhenNothingIsSetThenOnlyHostUserAgentAndAcceptEncodingAreAdded() throws Exception {
    get("/echo/plain");

    Received seen = upstream.last();
    assertThat(seen.headers().stream().map(h -> h.getKey().toLowerCase(java.util.Locale.ROOT)))
        .containsExactlyInAnyOrder("host", "user-agent", "accept-encoding");
    assertThat(seen.header("User-Agent")).containsExactly(OutboundHttp.USER_AGENT);
    assertThat(seen.header("Accept-Encoding")).containsExactly("gzip");
  }

  @Test
  void sendWhenTheAnswerIsGzippedThenItIsDecodedAndNoLongerSaysGzip() throws Exception {
    ContentResponse response = get("/gzip?size=50");

    assertThat(response.getContentAsString()).isEqualTo("\"" + "a".repeat(48) + "\"");
    assertThat(response.getHeaders().get("Content-Encoding")).isNull();
  }

  @Test
  void sendWhenTheRequestSetsItsOwnUserAgentAndEncodingThenTheyAreSentAlone() throws Exception {
    outbound
        .newRequest(URI.create(upstream.url("/echo/own")))
        .headers(h -> h.put("User-Agent", "flow/1").put("Accept-Encoding", "identity"))
        .timeout(10, TimeUnit.SECONDS)
        .send();

    assertThat(upstream.last().header("User-Agent")).containsExactly("flow/1");
    assertThat(upstream.last().header("Accept-Encoding")).containsExactly("identity");
  }
}
