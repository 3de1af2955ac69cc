package io.credflow.testing.upstream;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/**
 * A real HTTP/1.1 server on 127.0.0.1 and a free port that the request-executor tests call instead
 * of a mocked client: it records every request exactly as it arrived and answers as the URL asks.
 *
 * <p>Endpoints, for any method (query parameters are the knobs):
 *
 * <ul>
 *   <li>{@code /echo/*}: 200, JSON describing the request ({@code method, path, rawQuery, query,
 *       headers} (lowercased name to values), {@code body} (UTF-8), {@code bodyBase64, contentType,
 *       parts} (each {@code name, filename, contentType, size} and {@code text} when the content is
 *       UTF-8, else {@code base64}), {@code form}); with {@code status} (200..599) that status
 *       instead, as an error page that quotes the request would.
 *   <li>{@code /status/{code}}: that status (200..599); {@code retryAfter} is sent verbatim as
 *       {@code Retry-After}, {@code retryAfterDate=N} sends it as the HTTP-date N seconds after the
 *       upstream's clock (truncated to the second, as HTTP-dates are), {@code body} is the body
 *       text, {@code type} its content type (default {@code application/json} and {@code
 *       {"error":"status CODE"}}). 204 and 304 have no body.
 *   <li>{@code /flaky/{key}}: the first {@code fail} attempts (default 1) on that key answer {@code
 *       code} (default 503, with {@code retryAfter} or {@code retryAfterDate} if given) and {@code
 *       {"error":"flaky", "attempt":k}}; later ones 200 {@code {"ok":true,"attempt":k}}. See {@link
 *       #attempts}.
 *   <li>{@code /redirect/{n}}: {@code status} (301, 302 default, 303, 307, 308) to {@code
 *       /redirect/{n-1}} with the same query, so the status and any other parameter stay along the
 *       chain; the Location is a path unless {@code absolute=true}. {@code /redirect/0} is an echo.
 *   <li>{@code /redirect-to?url=ENC&status=302}: a redirect to exactly {@code url}.
 *   <li>{@code /slow?ms=N}: 200 {@code {"sleptMs":N}} after N ms (default 1000) without holding a
 *       thread, so other requests are served meanwhile.
 *   <li>{@code /text?charset=NAME&text=TEXT&type=text/plain}: the text (default {@code "héllo wörld
 *       €"}) encoded in the charset (default utf-8, which must encode every character) as {@code
 *       Content-Type: TYPE; charset=NAME}, NAME as given; {@code noCharset=true} drops the
 *       parameter.
 *   <li>{@code /bytes?size=N&type=application/octet-stream}: N bytes (default 1024), byte i being
 *       {@code i % 251}; {@code chunked=true} sends them chunked without {@code Content-Length}.
 *   <li>{@code /gzip?size=N}: 200 with {@code Content-Encoding: gzip}, the body N bytes of JSON
 *       text (default 100) compressed.
 *   <li>{@code /xml}, {@code /json}: {@link #XML_DOCUMENT}, {@link #JSON_DOCUMENT} ({@code type}
 *       overrides the content type); {@code /nocontent}: 204.
 *   <li>{@code /headers?Name=value&Name=value2}: 200 with those response headers added, repeats
 *       kept ({@code Content-Type} may be one of them).
 *   <li>{@code /protected/*}: an echo when the only {@code Authorization} is {@code Bearer T} with
 *       T {@linkplain #acceptBearer accepted}, else {@code status} (default 401) with {@code body}
 *       (default {@code {"error":"invalid_token"}}, as JSON) and the {@code challenge}: {@code
 *       bearer} (the default) sends {@code WWW-Authenticate: Bearer error="invalid_token"}, {@code
 *       basic} sends {@code WWW-Authenticate: Basic realm="upstream"}, {@code none} no challenge at
 *       all (as many real APIs answer an expired token).
 * </ul>
 *
 * <p>Anything else is a 404, and a knob that does not parse a 400 naming it, both with {@code
 * {"error":"..."}}. Header names and values are recorded exactly as sent (see {@link
 * RawHeadConnectionFactory}) and paths raw, ambiguous or not.
 */
public final class Upstream implements AutoCloseable {
  /** The body of {@code /json}: objects, arrays, numbers, booleans, a null and non-ASCII text. */
  public static final String JSON_DOCUMENT =
      """
      {"id":42,"name":"Ada Lovelace","active":true,"score":9.5,"nickname":null,\
      "tags":["math","poetry"],"address":{"city":"London","zip":"W1"},\
      "items":[{"sku":"A-1","qty":2,"price":3.5},{"sku":"B-2","qty":1,"price":10}],\
      "greeting":"Grüße €"}""";

  /** The body of {@code /xml}: attributes, repeated elements, an empty element and an entity. */
  public static final String XML_DOCUMENT =
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <order id="42" status="open">
        <customer name="Ada Lovelace" vip="true"/>
        <item sku="A-1" qty="2">Pen</item>
        <item sku="B-2" qty="1">Notebook</item>
        <note>Grüße &amp; thanks</note>
      </order>
      """;

  /** How long {@link #awaitRequests} waits: a bound for a broken test, never a pace. */
  public static final Duration ARRIVAL_BOUND = Duration.ofSeconds(30);

  /** The password of the self-signed keystore {@link #startTls()} makes. */
  private static final String KEYSTORE_PASSWORD = "upstream-test";

  private final Server server;
  private final ServerConnector connector;
  private final String scheme;
  private final Clock clock;
  private final Object lock = new Object();
  private final List<Received> received = new ArrayList<>(); // guarded by lock
  private final Map<String, List<Instant>> attempts = new HashMap<>(); // guarded by lock
  private volatile Predicate<String> bearerTokens = token -> false;

  private Upstream(Clock clock, Path keystore) {
    this.clock = clock;
    this.scheme = keystore == null ? "http" : "https";
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("upstream");
    VirtualThreadPool virtualThreads = new VirtualThreadPool();
    virtualThreads.setName("upstream-v");
    threads.setVirtualThreadsExecutor(virtualThreads);
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    // Room for the large tokens and cookies executor tests send and /headers answers.
    http.setRequestHeaderSize(64 * 1024);
    http.setResponseHeaderSize(64 * 1024);
    http.setUriCompliance(UriCompliance.UNSAFE);
    if (keystore == null) {
      connector = new ServerConnector(server, new RawHeadConnectionFactory(http));
    } else {
      SslContextFactory.Server tls = new SslContextFactory.Server();
      tls.setKeyStorePath(keystore.toString());
      tls.setKeyStoreType("PKCS12");
      tls.setKeyStorePassword(KEYSTORE_PASSWORD);
      connector =
          new ServerConnector(
              server,
              new SslConnectionFactory(tls, HttpVersion.HTTP_1_1.asString()),
              new RawHeadConnectionFactory(http));
    }
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(new Endpoints(this));
  }

  /** Starts a server on 127.0.0.1 and a free port, on the system clock. */
  public static Upstream start() {
    return start(Clock.systemUTC());
  }

  /**
   * Starts a server on 127.0.0.1 and a free port that reads {@code clock} for when requests arrive
   * ({@link Received#arrived()}, {@link #attempts}) and for the dates it sends: a test that drives
   * Credflow's clock hands the same one here, so both sides agree on the time.
   */
  public static Upstream start(Clock clock) {
    return started(new Upstream(clock, null));
  }

  /**
   * Starts a server on {@code https://127.0.0.1} and a free port, with a certificate for 127.0.0.1
   * that it signed itself (made by the JDK's {@code keytool} for this server): no client that
   * verifies certificates trusts it. On the system clock.
   */
  public static Upstream startTls() {
    return startTls(Clock.systemUTC());
  }

  /** {@link #startTls()} reading {@code clock}, as {@link #start(Clock)} does. */
  public static Upstream startTls(Clock clock) {
    return started(new Upstream(clock, selfSignedKeystore()));
  }

  private static Path selfSignedKeystore() {
    try {
      Path dir = Files.createTempDirectory("upstream-tls");
      Path keystore = dir.resolve("upstream.p12");
      Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
      Process process =
          new ProcessBuilder(
                  keytool.toString(),
                  "-genkeypair",
                  "-alias",
                  "upstream",
                  "-keyalg",
                  "EC",
                  "-groupname",
                  "secp256r1",
                  "-dname",
                  "CN=127.0.0.1",
                  "-ext",
                  "SAN=ip:127.0.0.1,dns:localhost",
                  "-validity",
                  "2",
                  "-keystore",
                  keystore.toString(),
                  "-storetype",
                  "PKCS12",
                  "-storepass",
                  KEYSTORE_PASSWORD,
                  "-keypass",
                  KEYSTORE_PASSWORD)
              .redirectErrorStream(true)
              .start();
      String output = new String(process.getInputStream().readAllBytes(), UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("keytool could not make a test certificate: " + output);
      }
      keystore.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
      return keystore;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while making a test certificate", e);
    }
  }

  private static Upstream started(Upstream upstream) {
    try {
      upstream.server.start();
    } catch (Exception e) {
      throw new IllegalStateException("the upstream test server did not start", e);
    }
    return upstream;
  }

  public int port() {
    return connector.getLocalPort();
  }

  /**
   * {@code http://127.0.0.1:PORT} (or {@code https://} for {@link #startTls()}) followed by {@code
   * path} (which starts with a slash).
   */
  public String url(String path) {
    return scheme + "://127.0.0.1:" + port() + path;
  }

  /** Every request so far, oldest first. */
  public List<Received> requests() {
    synchronized (lock) {
      return List.copyOf(received);
    }
  }

  /** The requests whose raw path starts with {@code pathPrefix}, oldest first. */
  public List<Received> requests(String pathPrefix) {
    return requests().stream().filter(r -> r.path().startsWith(pathPrefix)).toList();
  }

  public int count(String pathPrefix) {
    return requests(pathPrefix).size();
  }

  /**
   * Returns once {@code n} requests whose raw path starts with {@code pathPrefix} have arrived
   * (since the last {@link #clear()}): for a test that must know a request is in progress before it
   * goes on, without polling.
   *
   * @throws AssertionError when they have not arrived within {@link #ARRIVAL_BOUND}
   */
  public void awaitRequests(String pathPrefix, int n) throws InterruptedException {
    long deadline = System.nanoTime() + ARRIVAL_BOUND.toNanos();
    synchronized (lock) {
      while (received.stream().filter(r -> r.path().startsWith(pathPrefix)).count() < n) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              n + " requests to " + pathPrefix + "* did not arrive within " + ARRIVAL_BOUND);
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
    }
  }

  /**
   * The latest request.
   *
   * @throws IllegalStateException when nothing has arrived (since the last {@link #clear()})
   */
  public Received last() {
    synchronized (lock) {
      if (received.isEmpty()) {
        throw new IllegalStateException("the upstream has not received any request");
      }
      return received.getLast();
    }
  }

  /** Forgets the recorded requests and the {@code /flaky} counters (not the accepted tokens). */
  public void clear() {
    synchronized (lock) {
      received.clear();
      attempts.clear();
    }
  }

  /**
   * When each attempt on {@code /flaky/{key}} arrived, on this upstream's clock, oldest first, so a
   * test can see the waits between retries.
   */
  public List<Instant> attempts(String key) {
    synchronized (lock) {
      return List.copyOf(attempts.getOrDefault(key, List.of()));
    }
  }

  /** Replaces the bearer tokens {@code /protected/*} accepts (none at start). */
  public Upstream acceptBearer(String... tokens) {
    Set<String> accepted = Set.of(tokens);
    bearerTokens = accepted::contains;
    return this;
  }

  /**
   * Makes {@code /protected/*} accept the bearer tokens {@code valid} accepts, e.g. those a fake
   * provider says are valid: a revoked token is refused, a refreshed one accepted.
   */
  public Upstream acceptBearerWhen(Predicate<String> valid) {
    bearerTokens = valid;
    return this;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("the upstream test server did not stop", e);
    }
  }

  /**
   * A port on 127.0.0.1 where nothing listens: bound and released at once, so a connection to it is
   * refused (unless something else grabs it in between, which a test run does not do).
   */
  public static int refusedPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void record(Received request) {
    synchronized (lock) {
      received.add(request);
      lock.notifyAll();
    }
  }

  Instant now() {
    return clock.instant();
  }

  /** Counts an attempt on a {@code /flaky} key; returns its number, from 1. */
  int attempt(String key, Instant arrived) {
    synchronized (lock) {
      List<Instant> times = attempts.computeIfAbsent(key, k -> new ArrayList<>());
      times.add(arrived);
      return times.size();
    }
  }

  boolean acceptsBearer(String token) {
    return bearerTokens.test(token);
  }

  /**
   * A server that accepts connections, reads the request head and closes the socket without a byte
   * of answer: what a client meets behind a crashing proxy. For connection-error tests.
   */
  public static final class Dropper implements AutoCloseable {
    private static final int MAX_HEAD = 64 * 1024;

    private final ServerSocket socket;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger connections = new AtomicInteger();

    private Dropper(ServerSocket socket) {
      this.socket = socket;
    }

    /** Starts listening on 127.0.0.1 and a free port. */
    public static Dropper start() {
      ServerSocket socket;
      try {
        socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Dropper dropper = new Dropper(socket);
      dropper.threads.execute(dropper::acceptAll);
      return dropper;
    }

    public int port() {
      return socket.getLocalPort();
    }

    public String url(String path) {
      return "http://127.0.0.1:" + port() + path;
    }

    /** How many connections it has accepted (and dropped). */
    public int connections() {
      return connections.get();
    }

    private void acceptAll() {
      while (!socket.isClosed()) {
        try {
          Socket connection = socket.accept();
          connections.incrementAndGet();
          threads.execute(() -> drop(connection));
        } catch (IOException e) {
          return; // closed
        }
      }
    }

    /** Reads up to the blank line that ends the request head, then closes. */
    private static void drop(Socket connection) {
      try (connection;
          InputStream in = connection.getInputStream()) {
        connection.setSoTimeout(5_000);
        int matched = 0;
        for (int read = 0; read < MAX_HEAD && matched < 4; read++) {
          int b = in.read();
          if (b < 0) {
            break;
          }
          matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
      } catch (IOException e) {
        // the client went away first; nothing to drop
      }
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        threads.shutdownNow();
      }
    }
  }
}
