package io.credflow.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The guarded Jetty client against a real HTTP server on 127.0.0.1 and a free port: allowed, it is
 * reached; refused, no form of its address (and no name resolving to a private one) gets a single
 * request to it, whether the URL goes through {@link OutboundHttp#newRequest(URI)} or straight to
 * the Jetty client, where only the resolver stands in the way.
 */
class GuardedClientTest {
  private static HttpServer server;
  private static int port;
  private static final AtomicInteger requests = new AtomicInteger();
  private static final List<Map<String, String>> seen =
      Collections.synchronizedList(new ArrayList<>());
  private static final Names names = new Names();
  private static OutboundHttp refusing;
  private static OutboundHttp allowing;

  /** A resolver scripted per name: answers in order (the last one repeats), calls counted. */
  static final class Names implements HostResolver {
    private final Map<String, List<String>> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    void answer(String host, String... addresses) {
      answers.put(host, List.of(addresses));
    }

    int calls(String host) {
      return calls.computeIfAbsent(host, h -> new AtomicInteger()).get();
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
      int call = calls.computeIfAbsent(host, h -> new AtomicInteger()).getAndIncrement();
      List<String> script = answers.get(host);
      if (script == null) {
        return HostResolver.SYSTEM.resolve(host);
      }
      return List.of(InetAddress.getByName(script.get(Math.min(call, script.size() - 1))));
    }
  }

  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/", GuardedClientTest::handle);
    server.start();
    port = server.getAddress().getPort();
    refusing = OutboundHttp.start(new OutboundPolicy(false, names));
    allowing = OutboundHttp.start(new OutboundPolicy(true, names));
    names.answer("internal.test", "10.0.0.7");
    names.answer("loopback.test", "127.0.0.1");
    names.answer("metadata.test", "169.254.169.254");
  }

  @AfterAll
  static void stop() {
    refusing.close();
    allowing.close();
    server.stop(0);
  }

  @BeforeEach
  void forgetRequests() {
    requests.set(0);
    seen.clear();
  }

  private static void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    seen.add(
        Map.of(
            "host", String.valueOf(exchange.getRequestHeaders().getFirst("Host")),
            "user-agent", String.valueOf(exchange.getRequestHeaders().getFirst("User-Agent")),
            "cookie", String.valueOf(exchange.getRequestHeaders().getFirst("Cookie"))));
    if (exchange.getRequestURI().getPath().equals("/redirect")) {
      exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + port + "/");
      exchange.sendResponseHeaders(302, -1);
    } else {
      byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Set-Cookie", "session=abc; Path=/");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
    exchange.close();
  }

  private static URI url(String host) {
    return URI.create("http://" + host + ":" + port + "/");
  }

  private static ContentResponse send(Request request) throws Exception {
    return request.timeout(5, TimeUnit.SECONDS).send();
  }

  @Test
  void sendWhenPrivateNetworksAreAllowedThenLoopbackIsReachedAsCredflowWithoutCookies()
      throws Exception {
    ContentResponse first = send(allowing.newRequest(url("127.0.0.1")));
    ContentResponse second = send(allowing.newRequest(url("127.0.0.1")));

    assertThat(first.getStatus()).isEqualTo(200);
    assertThat(first.getContentAsString()).isEqualTo("ok");
    assertThat(second.getStatus()).isEqualTo(200);
    assertThat(requests).hasValue(2);
    assertThat(seen).allSatisfy(r -> assertThat(r).containsEntry("user-agent", "Credflow"));
    assertThat(seen.get(1))
        .as("the cookie set by the first answer")
        .containsEntry("cookie", "null");
  }

  @Test
  void sendWhenANameResolvesToAnAllowedAddressThenThatAddressIsCalledUnderTheName()
      throws Exception {
    ContentResponse response = send(allowing.newRequest(url("loopback.test")));

    assertThat(response.getStatus()).isEqualTo(200);
    assertThat(seen)
        .singleElement()
        .satisfies(r -> assertThat(r.get("host")).startsWith("loopback.test"));
  }

  @Test
  void sendWhenPrivateNetworksAreRefusedThenNoFormOfAPrivateAddressIsCalled() {
    Map<String, String> refusals =
        Map.of(
            "127.0.0.1", "refused to connect to 127.0.0.1 (loopback)",
            "2130706433", "refused to connect to 127.0.0.1 (loopback, from \"2130706433\")",
            "0x7f.1", "refused to connect to 127.0.0.1 (loopback, from \"0x7f.1\")",
            "[::ffff:127.0.0.1]",
                "refused to connect to 127.0.0.1 (loopback, from \"[::ffff:127.0.0.1]\")",
            "localhost", "(loopback, from \"localhost\")",
            "loopback.test", "refused to connect to 127.0.0.1 (loopback, from \"loopback.test\")",
            "internal.test", "refused to connect to 10.0.0.7 (private, from \"internal.test\")");
    int lookups = names.calls("internal.test");
    refusals.forEach(
        (host, message) -> {
          Throwable guarded = catchThrowable(() -> send(refusing.newRequest(url(host))));
          assertThat(OutboundHttp.refusal(guarded))
              .as(host)
              .hasValueSatisfying(e -> assertThat(e.getMessage()).contains(message));
          if (!host.equals("0x7f.1")) { // java.net.URI (and so Jetty) cannot even parse that one
            Throwable raw = catchThrowable(() -> send(refusing.client().newRequest(url(host))));
            assertThat(OutboundHttp.refusal(raw))
                .as("%s straight on the Jetty client", host)
                .hasValueSatisfying(e -> assertThat(e.getMessage()).contains(message));
          }
        });
    assertThat(requests).as("requests that reached the server").hasValue(0);
    assertThat(names.calls("internal.test")).as("one lookup per attempt").isEqualTo(lookups + 2);
  }

  @Test
  void sendWhenTheAddressIsCloudMetadataThenItIsRefusedEvenWithPrivateNetworksAllowed() {
    for (String host : List.of("169.254.169.254", "0xa9fea9fe", "metadata.test")) {
      for (OutboundHttp http : List.of(allowing, refusing)) {
        Throwable raw = catchThrowable(() -> send(http.client().newRequest(url(host))));
        assertThat(OutboundHttp.refusal(raw))
            .as(host)
            .hasValueSatisfying(
                e ->
                    assertThat(e.getMessage())
                        .contains("169.254.169.254 (cloud metadata")
                        .endsWith("is always refused"));
      }
    }
  }

  @Test
  void sendWhenRefusedThenTheCallerOfSendGetsTheRefusalAsTheCause() {
    assertThatThrownBy(() -> send(refusing.client().newRequest(url("internal.test"))))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(OutboundRefusedException.class)
        .hasMessageContaining("10.0.0.7");
    assertThatThrownBy(() -> refusing.newRequest(url("0x7f.1")))
        .isInstanceOf(OutboundRefusedException.class);
  }

  @Test
  void sendWhenDnsAnswersDifferentlyTheSecondTimeThenEachConnectionUsesTheAnswerItChecked()
      throws Exception {
    // A rebinding name: loopback (allowed here) first, the metadata address from then on.
    names.answer("rebind.test", "127.0.0.1", "169.254.169.254");

    ContentResponse first =
        send(
            allowing
                .newRequest(url("rebind.test"))
                .headers(h -> h.put(HttpHeader.CONNECTION, "close")));

    assertThat(first.getStatus()).isEqualTo(200);
    assertThat(names.calls("rebind.test"))
        .as("looked up once for the connection, never again to connect")
        .isEqualTo(1);

    // The first connection is closed: the next request opens one, and looks the name up again.
    Throwable second = catchThrowable(() -> send(allowing.newRequest(url("rebind.test"))));

    assertThat(OutboundHttp.refusal(second))
        .hasValueSatisfying(
            e -> assertThat(e.getMessage()).contains("169.254.169.254 (cloud metadata"));
    assertThat(names.calls("rebind.test")).isEqualTo(2);
    assertThat(requests).hasValue(1);
  }

  @Test
  void sendWhenTheAnswerIsARedirectThenItIsReturnedNotFollowed() throws Exception {
    ContentResponse response = send(allowing.newRequest(url("127.0.0.1").resolve("/redirect")));

    assertThat(response.getStatus()).isEqualTo(302);
    assertThat(response.getHeaders().get(HttpHeader.LOCATION))
        .isEqualTo("http://127.0.0.1:" + port + "/");
    assertThat(requests).hasValue(1);
  }

  @Test
  void startWhenBuiltThenTlsVerifiesHostNamesAndThreadsAreNamedDaemons() {
    assertThat(allowing.client().getSslContextFactory().getEndpointIdentificationAlgorithm())
        .isEqualTo("HTTPS");
    assertThat(allowing.client().isFollowRedirects()).isFalse();
    assertThat(allowing.client().getConnectTimeout()).isEqualTo(10_000);
    assertThat(allowing.client().getMaxConnectionsPerDestination()).isEqualTo(1024);
    assertThat(allowing.client().getSocketAddressResolver())
        .isInstanceOf(GuardedSocketAddressResolver.class);
    List<Thread> threads =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("credflow-outbound"))
            .toList();
    assertThat(threads).isNotEmpty().allSatisfy(t -> assertThat(t.isDaemon()).isTrue());
  }
}
