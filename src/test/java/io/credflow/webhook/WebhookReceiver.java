package io.credflow.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.credflow.common.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver as the README tells one to write, on a real HTTP server on port 0: it checks
 * {@code Credflow-Signature} over the raw body with the subscription's secret in constant time
 * ({@link Signature#verify}), refuses a timestamp more than five minutes from its clock (a replay)
 * with 401, and answers 500 to the first {@link #failFirst(int) n} deliveries that verify. Every
 * request is kept, with what the receiver answered.
 */
public final class WebhookReceiver implements AutoCloseable {
  /** One request as received, and the answer. */
  public record Received(
      Map<String, String> headers, String body, Optional<String> rejected, int answered) {
    String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    public boolean verified() {
      return rejected.isEmpty();
    }
  }

  private final HttpServer server;
  private final Clock clock;
  private volatile Secret secret;
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final List<Received> received = new CopyOnWriteArrayList<>();

  private WebhookReceiver(HttpServer server, Clock clock, Secret secret) {
    this.server = server;
    this.clock = clock;
    this.secret = secret;
  }

  /** A receiver checking signatures with {@code secret} against {@code clock}. */
  public static WebhookReceiver start(Clock clock, Secret secret) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      WebhookReceiver receiver = new WebhookReceiver(server, clock, secret);
      server.createContext("/", receiver::handle);
      server.start();
      return receiver;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/credflow";
  }

  /** The secret to check with from now on (one Credflow generated, say). */
  public void secret(Secret newSecret) {
    this.secret = newSecret;
  }

  /** The next {@code n} deliveries that verify are answered with 500. */
  public void failFirst(int n) {
    failuresLeft.set(n);
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  void clear() {
    received.clear();
    failuresLeft.set(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> headers = new TreeMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
      Optional<String> rejected =
          exchange.getRequestMethod().equals("POST")
              ? Signature.verify(
                  secret,
                  headers.get(Signature.HEADER.toLowerCase()),
                  body,
                  clock.instant(),
                  Duration.ofMinutes(5))
              : Optional.of("not a POST");
      int status;
      if (rejected.isPresent()) {
        status = 401;
      } else if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        status = 500;
      } else {
        status = 204;
      }
      received.add(new Received(headers, body, rejected, status));
      exchange.sendResponseHeaders(status, -1);
    }
  }

  /**
   * Sends {@code r} to this receiver again as it came (an attacker's replay): returns the status it
   * answered.
   */
  int replay(Received r) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url()))
            .POST(HttpRequest.BodyPublishers.ofString(r.body()));
    for (String name :
        List.of(
            Signature.HEADER,
            WebhookDispatcher.EVENT_ID_HEADER,
            WebhookDispatcher.EVENT_TYPE_HEADER,
            "Content-Type")) {
      String v = r.header(name);
      if (v != null) {
        b.header(name, v);
      }
    }
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
