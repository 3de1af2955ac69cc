package io.credflow.testing.oauth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.credflow.common.Sleeper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The plumbing the fakes share: a loopback {@link HttpServer} on port 0 with one virtual thread per
 * exchange, strict parameter parsing, JSON and redirect responses, random token values.
 */
final class FakeHttp {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String FORM = "application/x-www-form-urlencoded";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HttpClient BROWSER =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private FakeHttp() {}

  /** A request the fake refuses before it gets to its protocol logic (bad encoding, duplicates). */
  static final class BadRequest extends RuntimeException {
    BadRequest(String message) {
      super(message);
    }
  }

  /**
   * A started server, the executor that must be shut down with it, and how many exchanges its
   * handlers are working on right now.
   */
  record Server(HttpServer http, ExecutorService executor, AtomicInteger inProgress)
      implements AutoCloseable {
    URI baseUri() {
      return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    URI uri(String path) {
      return baseUri().resolve(path);
    }

    @Override
    public void close() {
      http.stop(0);
      executor.shutdownNow();
    }
  }

  /**
   * Starts a server on 127.0.0.1, port 0, with the given routes (exact paths). A handler that
   * throws answers 500 and prints the stack trace, so a bug in a fake is loud instead of a hung
   * client.
   */
  static Server start(Map<String, HttpHandler> routes) {
    try {
      // A large backlog: tests fire hundreds of concurrent requests at a fake.
      HttpServer http =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
      ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
      http.setExecutor(executor);
      AtomicInteger inProgress = new AtomicInteger();
      routes.forEach((path, handler) -> http.createContext(path, exact(path, handler, inProgress)));
      http.start();
      return new Server(http, executor, inProgress);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static HttpHandler exact(String path, HttpHandler handler, AtomicInteger inProgress) {
    return exchange -> {
      inProgress.incrementAndGet();
      try {
        if (!exchange.getRequestURI().getPath().equals(path)) {
          sendJson(exchange, 404, Map.of("error", "not_found"), Map.of());
          return;
        }
        handler.handle(exchange);
      } catch (RuntimeException | IOException | Error e) {
        e.printStackTrace();
        try {
          exchange.sendResponseHeaders(500, -1);
        } catch (IOException | RuntimeException ignored) {
          // headers were already sent; closing the exchange is all that is left
        }
      } finally {
        exchange.close();
        inProgress.decrementAndGet();
      }
    };
  }

  /**
   * Parses {@code application/x-www-form-urlencoded} text (a query or a body) strictly: a name
   * given twice or a broken percent escape is a {@link BadRequest} (RFC 6749 §3.1, §3.2).
   */
  static Map<String, String> parseParams(String raw) {
    Map<String, String> params = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (params.putIfAbsent(name, value) != null) {
        throw new BadRequest("parameter " + name + " given more than once");
      }
    }
    return params;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new BadRequest("malformed percent-encoding");
    }
  }

  /** Form-urlencodes a value ({@code +} for a space, {@code %XX} for the rest). */
  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Appends query parameters to a URI that may already have a query. */
  static String withQuery(String uri, Map<String, String> params) {
    StringBuilder out = new StringBuilder(uri);
    char separator = uri.contains("?") ? '&' : '?';
    for (Map.Entry<String, String> p : params.entrySet()) {
      out.append(separator).append(encode(p.getKey())).append('=').append(encode(p.getValue()));
      separator = '&';
    }
    return out.toString();
  }

  /**
   * A received request: its record, and the reason it is malformed if it is (parameters that do not
   * parse, a body that is not a form, two Authorization headers).
   */
  record Incoming(RecordedRequest recorded, Optional<String> problem) {
    Map<String, String> params() {
      return recorded.params();
    }

    String param(String name) {
      return recorded.params().getOrDefault(name, "");
    }
  }

  /**
   * Reads and records a request. With {@code form} the parameters come from a form body (and any
   * other content type is a problem), otherwise from the query.
   */
  static Incoming receive(HttpExchange exchange, Instant now, boolean form) throws IOException {
    String body = readBody(exchange);
    String problem = null;
    Map<String, String> params = Map.of();
    if (form && !isForm(exchange)) {
      problem = "Content-Type must be " + FORM;
    } else {
      try {
        params = parseParams(form ? body : exchange.getRequestURI().getRawQuery());
      } catch (BadRequest e) {
        problem = e.getMessage();
      }
    }
    List<String> auth = exchange.getRequestHeaders().get("Authorization");
    Optional<String> authorization =
        auth == null || auth.isEmpty() ? Optional.empty() : Optional.of(auth.getFirst());
    if (auth != null && auth.size() > 1) {
      problem = "more than one Authorization header";
    }
    RecordedRequest recorded =
        new RecordedRequest(
            exchange.getRequestMethod(),
            exchange.getRequestURI(),
            params,
            authorization,
            body,
            now);
    return new Incoming(recorded, Optional.ofNullable(problem));
  }

  /** A response decided under a fake's lock and sent after it (and after any delay). */
  record Reply(int status, Object json, String html, String location, Map<String, String> headers) {
    static Reply json(int status, Object json, Map<String, String> headers) {
      return new Reply(status, json, null, null, headers);
    }

    static Reply json(int status, Object json) {
      return json(status, json, Map.of());
    }

    static Reply html(int status, String html) {
      return new Reply(status, null, html, null, Map.of());
    }

    static Reply empty(int status) {
      return new Reply(status, null, null, null, Map.of());
    }

    static Reply redirect(String location) {
      return new Reply(302, null, null, location, Map.of());
    }

    void send(HttpExchange exchange) throws IOException {
      headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
      if (location != null) {
        FakeHttp.redirect(exchange, location);
      } else if (json != null) {
        sendJson(exchange, status, json, Map.of());
      } else if (html != null) {
        sendBytes(exchange, status, "text/html;charset=UTF-8", html);
      } else {
        sendEmpty(exchange, status);
      }
    }
  }

  static String readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static boolean isForm(HttpExchange exchange) {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    return type != null && type.toLowerCase(Locale.ROOT).startsWith(FORM);
  }

  static void sendJson(HttpExchange exchange, int status, Object body, Map<String, String> headers)
      throws IOException {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
    headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  static void sendBytes(HttpExchange exchange, int status, String contentType, String text)
      throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  static void sendEmpty(HttpExchange exchange, int status) throws IOException {
    exchange.sendResponseHeaders(status, -1);
  }

  static void redirect(HttpExchange exchange, String location) throws IOException {
    exchange.getResponseHeaders().set("Location", location);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(302, -1);
  }

  static void methodNotAllowed(HttpExchange exchange, String allowed) throws IOException {
    exchange.getResponseHeaders().set("Allow", allowed);
    exchange.sendResponseHeaders(405, -1);
  }

  /** A random value of 256 bits, base64url without padding, after {@code prefix}. */
  static String randomValue(String prefix) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Waits {@code delay} on {@code sleeper} (a fake's simulated latency). */
  static void pause(Sleeper sleeper, Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      return;
    }
    try {
      sleeper.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Acts as the user's browser at an authorization endpoint: a GET without following redirects,
   * returning the {@code Location} the provider answered with.
   *
   * @throws IllegalStateException when the answer is not a redirect
   */
  static URI follow(URI authorizeUrl) {
    HttpResponse<String> response;
    try {
      response =
          BROWSER.send(
              HttpRequest.newBuilder(authorizeUrl).timeout(Duration.ofSeconds(10)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return response
        .headers()
        .firstValue("Location")
        .filter(location -> response.statusCode() / 100 == 3)
        .map(URI::create)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "expected a redirect from "
                        + authorizeUrl.getPath()
                        + ", got "
                        + response.statusCode()
                        + ": "
                        + response.body()));
  }
}
