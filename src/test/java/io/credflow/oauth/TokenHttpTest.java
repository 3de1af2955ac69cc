package io.credflow.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.credflow.authclient.OAuth2Settings;
import io.credflow.common.Secret;
import io.credflow.outbound.OutboundHttp;
import io.credflow.outbound.OutboundPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Token endpoint calls ({@link TokenHttp}) on the guarded Jetty client, against a real token
 * endpoint on 127.0.0.1 and a free port: Nimbus's request arrives as built, a refused address is
 * {@link TokenOutcome.Blocked} with nothing sent, an unknown host and an oversized answer are
 * {@link TokenOutcome.Unavailable} with a reason a person can read.
 */
class TokenHttpTest {
  private static HttpServer server;
  private static final List<Map<String, String>> received =
      Collections.synchronizedList(new ArrayList<>());
  private static OutboundHttp allowing;
  private static OutboundHttp refusing;

  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/token", TokenHttpTest::token);
    server.createContext("/big", TokenHttpTest::big);
    server.start();
    allowing = OutboundHttp.start(OutboundPolicy.of(true));
    refusing =
        OutboundHttp.start(
            new OutboundPolicy(
                false,
                host -> {
                  throw new UnknownHostException(host);
                }));
  }

  @AfterAll
  static void stop() {
    allowing.close();
    refusing.close();
    server.stop(0);
  }

  @BeforeEach
  void forget() {
    received.clear();
  }

  private static void token(HttpExchange exchange) throws IOException {
    received.add(
        Map.of(
            "method", exchange.getRequestMethod(),
            "content-type", String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")),
            "accept", String.valueOf(exchange.getRequestHeaders().getFirst("Accept")),
            "user-agent", String.valueOf(exchange.getRequestHeaders().getFirst("User-Agent")),
            "body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
    byte[] body =
        "{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":60}"
            .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  private static void big(HttpExchange exchange) throws IOException {
    received.add(Map.of("method", exchange.getRequestMethod()));
    exchange.getRequestBody().readAllBytes();
    byte[] body =
        ("{\"padding\":\"" + "x".repeat(100_000) + "\"}").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  private static OAuth2Settings client(URI tokenUri) {
    return new OAuth2Settings(
        "client-1",
        Secret.of("client-secret-1"),
        URI.create("https://provider.example/authorize"),
        tokenUri,
        Optional.empty(),
        3600,
        Optional.empty(),
        OAuth2Settings.ClientAuth.POST,
        false,
        Optional.empty(),
        Map.of());
  }

  private static URI local(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private static TokenOutcome exchange(OutboundHttp http, URI tokenUri) {
    return new GenericOAuth2Provider(
            client(tokenUri), TokenHttp.create(http, Duration.ofSeconds(5)))
        .exchangeCode(
            Secret.of("code-1"), URI.create("https://credflow.example/cb"), Optional.empty());
  }

  @Test
  void exchangeCodeWhenAllowedThenNimbusFormArrivesAsCredflowAndTheTokensAreIssued() {
    TokenOutcome outcome = exchange(allowing, local("/token"));

    assertThat(outcome).isInstanceOf(TokenOutcome.Issued.class);
    assertThat(((TokenOutcome.Issued) outcome).accessToken().reveal()).isEqualTo("at-1");
    assertThat(((TokenOutcome.Issued) outcome).expiresIn()).contains(60L);
    assertThat(received)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r).containsEntry("method", "POST");
              assertThat(r).containsEntry("accept", "application/json");
              assertThat(r).containsEntry("user-agent", "Credflow");
              assertThat(r.get("content-type")).startsWith("application/x-www-form-urlencoded");
              assertThat(r.get("body"))
                  .contains("grant_type=authorization_code")
                  .contains("code=code-1")
                  .contains("client_id=client-1")
                  .contains("client_secret=client-secret-1");
            });
  }

  @Test
  void exchangeCodeWhenTheTokenEndpointIsRefusedThenBlockedAndNothingIsSent() {
    TokenOutcome outcome = exchange(refusing, local("/token"));

    assertThat(outcome).isInstanceOf(TokenOutcome.Blocked.class);
    assertThat(((TokenOutcome.Blocked) outcome).refusal().getMessage())
        .startsWith("refused to connect to 127.0.0.1 (loopback)");
    assertThat(received).isEmpty();
  }

  @Test
  void exchangeCodeWhenTheHostDoesNotResolveThenUnavailableSaysSo() {
    TokenOutcome outcome = exchange(refusing, URI.create("https://idp.invalid/token"));

    assertThat(outcome).isInstanceOf(TokenOutcome.Unavailable.class);
    assertThat(((TokenOutcome.Unavailable) outcome).reason())
        .isEqualTo(
            "the token endpoint https://idp.invalid/token could not be reached: the host"
                + " \"idp.invalid\" could not be resolved: check the host name in the URL");
  }

  @Test
  void exchangeCodeWhenTheAnswerIsLargerThan64KibThenUnavailableAndNotParsed() {
    TokenOutcome outcome = exchange(allowing, local("/big"));

    assertThat(outcome).isInstanceOf(TokenOutcome.Unavailable.class);
    assertThat(((TokenOutcome.Unavailable) outcome).reason())
        .endsWith("answered with more than 64 KiB, which is no token response");
    assertThat(received).hasSize(1);
  }
}
