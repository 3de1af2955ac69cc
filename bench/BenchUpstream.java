import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The upstream of the executor benchmark, run as its own JVM so that its CPU is not counted in the
 * measured process: {@code GET /items} answers 200 with a fixed JSON body of about 200 bytes when
 * the request carries {@code Authorization: Bearer ...}, else 401; {@code GET /echo} answers the
 * query and the {@code X-Request-Id} header it got (the benchmark checks once that the executor
 * sends what the spec says); anything else is 404.
 *
 * <p>Usage: {@code java -cp credflow.jar:classes BenchUpstream [jetty|jdk] [port]}. {@code jetty}
 * (the default) is a Jetty 12 server whose handler answers on the selector thread without blocking;
 * {@code jdk} is the JDK's {@code HttpServer} with a virtual thread per exchange. The first line on
 * stdout is {@code port=<port> impl=<impl>}; on SIGTERM it prints the requests it answered and how
 * many were refused.
 */
public class BenchUpstream {
  /** The answer of every authorized GET /items: 200 bytes of JSON. */
  static final byte[] BODY = body();

  static final byte[] UNAUTHORIZED =
      "{\"error\":\"missing bearer token\"}".getBytes(StandardCharsets.UTF_8);

  static final AtomicLong answered = new AtomicLong();
  static final AtomicLong refused = new AtomicLong();

  public static void main(String[] args) throws Exception {
    String impl = args.length > 0 ? args[0] : "jetty";
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    int bound =
        switch (impl) {
          case "jetty" -> jetty(port);
          case "jdk" -> jdk(port);
          default -> throw new IllegalArgumentException("impl must be jetty or jdk, was " + impl);
        };
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () ->
                    System.out.printf(
                        "upstream: answered=%d refused=%d%n", answered.get(), refused.get())));
    System.out.println("port=" + bound + " impl=" + impl + " body_bytes=" + BODY.length);
    System.out.flush();
    Thread.currentThread().join();
  }

  private static boolean authorized(String authorization) {
    return authorization != null
        && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        && authorization.length() > 7;
  }

  private static int jetty(int port) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    connector.setAcceptQueueSize(1024);
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract.NonBlocking() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            String path = request.getHttpURI().getPath();
            if ("/echo".equals(path)) {
              byte[] echo =
                  echo(
                          request.getHttpURI().getQuery(),
                          request.getHeaders().get("X-Request-Id"),
                          request.getHeaders().get(HttpHeader.AUTHORIZATION))
                      .getBytes(StandardCharsets.UTF_8);
              response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
              response.write(true, ByteBuffer.wrap(echo), callback);
              return true;
            }
            if (!"GET".equals(request.getMethod()) || !"/items".equals(path)) {
              response.setStatus(404);
              response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
              response.write(true, null, callback);
              return true;
            }
            boolean ok = authorized(request.getHeaders().get(HttpHeader.AUTHORIZATION));
            byte[] body = ok ? BODY : UNAUTHORIZED;
            (ok ? answered : refused).incrementAndGet();
            response.setStatus(ok ? 200 : 401);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, (long) body.length);
            response.write(true, ByteBuffer.wrap(body), callback);
            return true;
          }
        });
    server.start();
    return connector.getLocalPort();
  }

  private static int jdk(int port) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            if ("/echo".equals(path)) {
              byte[] echo =
                  echo(
                          exchange.getRequestURI().getRawQuery(),
                          exchange.getRequestHeaders().getFirst("X-Request-Id"),
                          exchange.getRequestHeaders().getFirst("Authorization"))
                      .getBytes(StandardCharsets.UTF_8);
              exchange.getResponseHeaders().set("Content-Type", "application/json");
              exchange.sendResponseHeaders(200, echo.length);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(echo);
              }
              return;
            }
            if (!"GET".equals(exchange.getRequestMethod()) || !"/items".equals(path)) {
              exchange.sendResponseHeaders(404, -1);
              return;
            }
            boolean ok = authorized(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = ok ? BODY : UNAUTHORIZED;
            (ok ? answered : refused).incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(ok ? 200 : 401, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
        });
    server.start();
    return server.getAddress().getPort();
  }

  /** What /echo answers: the query, X-Request-Id and whether a bearer token came (never it). */
  private static String echo(String query, String requestId, String authorization) {
    return "{\"query\":\""
        + (query == null ? "" : query.replace("\\", "\\\\").replace("\"", "\\\""))
        + "\",\"requestId\":\""
        + (requestId == null ? "" : requestId.replace("\\", "\\\\").replace("\"", "\\\""))
        + "\",\"bearer\":"
        + authorized(authorization)
        + "}";
  }

  private static byte[] body() {
    StringBuilder json = new StringBuilder("{\"items\":[");
    String[] names = {"alpha", "bravo", "charlie"};
    for (int i = 0; i < names.length; i++) {
      if (i > 0) {
        json.append(',');
      }
      json.append("{\"id\":")
          .append(i + 1)
          .append(",\"name\":\"")
          .append(names[i])
          .append("\",\"price\":")
          .append(10 + i)
          .append(".5,\"active\":true}");
    }
    json.append("],\"total\":3,\"next\":null,\"note\":\"");
    while (json.length() < 198) {
      json.append('x');
    }
    json.append("\"}");
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }
}
