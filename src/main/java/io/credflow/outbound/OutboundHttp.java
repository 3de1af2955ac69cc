package io.credflow.outbound;

import io.credflow.common.BoundedCache;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.eclipse.jetty.client.EarlyHintsProtocolHandler;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.ProcessingProtocolHandler;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * The one HTTP client Credflow calls other companies with, started once per process: every new
 * connection goes through the {@link GuardedSocketAddressResolver}, TLS verifies the host name,
 * every answer (a redirect, a 401 with or without a challenge, a 407) is returned to the caller,
 * who decides what follows, and nothing is remembered between calls (no cookies, no authentication
 * results). What the client still does by itself: it sends {@code User-Agent: Credflow} unless the
 * request sets one, asks for and decodes gzip (as the REST API component does; the response limit
 * counts decoded bytes) and skips interim 1xx answers.
 *
 * <p>{@code java.net.http.HttpClient} cannot do this: it has no resolver hook, so it would look the
 * name up again after the check.
 */
public final class OutboundHttp implements AutoCloseable {
  /** How long opening a connection may take. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** Concurrent connections to one host (scheme, host, port). */
  public static final int MAX_CONNECTIONS_PER_DESTINATION = 1024;

  /** Requests that may wait for a connection to one host. */
  public static final int MAX_QUEUED_PER_DESTINATION = 65_536;

  /** The User-Agent of every call. */
  public static final String USER_AGENT = "Credflow";

  private static final String THREAD_NAME = "credflow-outbound";

  private final OutboundPolicy policy;
  private final HttpClient client;
  private final CompletableFuture<Void> started;
  private final Object lock = new Object();
  private HttpClient unverified; // guarded by lock
  private boolean closed; // guarded by lock

  private OutboundHttp(OutboundPolicy policy, HttpClient client, CompletableFuture<Void> started) {
    this.policy = policy;
    this.client = client;
    this.started = started;
  }

  /**
   * Builds the client and starts it in the background: starting loads the JDK's trust store for
   * TLS, a good part of a second that Credflow's own start need not wait for. The first request
   * waits for it instead.
   */
  public static OutboundHttp start(OutboundPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    HttpClient client = client(policy, true);
    CompletableFuture<Void> started = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .name(THREAD_NAME + "-start")
        .start(
            () -> {
              try {
                client.start();
                onlyInterimHandlers(client);
                started.complete(null);
              } catch (Throwable e) {
                started.completeExceptionally(e);
              }
            });
    return new OutboundHttp(policy, client, started);
  }

  /**
   * A client whose connections go through the guard. With {@code verifyCertificates} false it
   * trusts any certificate for any host: a separate client with its own connections, so that a
   * connection opened without verification is never reused by a request that asked for it.
   */
  private static HttpClient client(OutboundPolicy policy, boolean verifyCertificates) {
    String name = verifyCertificates ? THREAD_NAME : THREAD_NAME + "-unverified";
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName(name);
    threads.setDaemon(true);
    SslContextFactory.Client tls = new SslContextFactory.Client(!verifyCertificates);
    // The default, stated: the certificate must name the host of the URL.
    tls.setEndpointIdentificationAlgorithm(verifyCertificates ? "HTTPS" : null);
    ClientConnector connector = new ClientConnector();
    connector.setExecutor(threads);
    connector.setScheduler(new ScheduledExecutorScheduler(name + "-scheduler", true));
    connector.setSslContextFactory(tls);
    connector.setConnectTimeout(CONNECT_TIMEOUT);
    HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
    client.setExecutor(threads);
    client.setScheduler(connector.getScheduler());
    client.setSocketAddressResolver(new GuardedSocketAddressResolver(policy, threads));
    client.setFollowRedirects(false);
    client.setConnectTimeout(CONNECT_TIMEOUT.toMillis());
    client.setMaxConnectionsPerDestination(MAX_CONNECTIONS_PER_DESTINATION);
    client.setMaxRequestsQueuedPerDestination(MAX_QUEUED_PER_DESTINATION);
    client.setHttpCookieStore(new HttpCookieStore.Empty());
    client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, USER_AGENT));
    // Calls go to many hosts: forget a host's (empty) pool a minute after its last request.
    client.setDestinationIdleTimeout(Duration.ofMinutes(1).toMillis());
    return client;
  }

  /**
   * Leaves the client only the handlers that skip interim answers (102 Processing, 103 Early
   * Hints), which are never the answer to a request. Starting adds more that act on their own: on
   * every 401 and 407 an authentication handler (which fails a 401 without {@code WWW-Authenticate}
   * as a protocol violation, and would answer a challenge from its own store), a redirect follower,
   * a 100-continue handler and a protocol upgrader. Credflow decides each of these itself: a 401 is
   * an answer like any other (the executor refreshes an expired token), redirects are followed hop
   * by hop through the guard, and a request configuration cannot ask for {@code Expect} or {@code
   * Upgrade}.
   */
  private static void onlyInterimHandlers(HttpClient client) {
    client.getProtocolHandlers().clear();
    client.getProtocolHandlers().put(new ProcessingProtocolHandler());
    client.getProtocolHandlers().put(new EarlyHintsProtocolHandler());
  }

  /** The client once started (at once, after the first call). */
  private HttpClient ready() {
    try {
      started.join();
    } catch (CompletionException e) {
      throw new IllegalStateException("cannot start the outbound HTTP client", e.getCause());
    }
    return client;
  }

  public OutboundPolicy policy() {
    return policy;
  }

  /**
   * The started client. Requests made on it directly are still guarded when they connect; {@link
   * #newRequest(URI)} also refuses a bad URL before anything is queued.
   */
  public HttpClient client() {
    return ready();
  }

  /**
   * A request to {@code uri} after {@link OutboundPolicy#checkUrl(URI)}; the host's addresses are
   * checked when the connection opens. Redirects come back as responses: check the {@code Location}
   * with this method again before following it.
   *
   * @throws OutboundRefusedException when the URL cannot be called
   */
  public Request newRequest(URI uri) {
    return newRequest(uri, true);
  }

  /**
   * {@link #newRequest(URI)}, on a client that verifies no TLS certificate when {@code
   * verifyCertificates} is false (the REST API component's {@code noStrictSSL}, for this request
   * only). The guard applies all the same. That client starts with its first request.
   *
   * @throws OutboundRefusedException when the URL cannot be called
   */
  public Request newRequest(URI uri, boolean verifyCertificates) {
    checkUrl(uri);
    return (verifyCertificates ? ready() : unverified()).newRequest(uri);
  }

  /**
   * The policy's URL check, remembered for origins it let through: its verdict depends only on the
   * scheme and the authority (and the policy, fixed for this client's life), and a step calls the
   * same origin again and again. Refusals are not remembered; addresses are checked again at every
   * connection either way.
   */
  private void checkUrl(URI uri) {
    String scheme = uri.getScheme();
    String authority = uri.getRawAuthority();
    if (scheme == null || authority == null || uri.isOpaque()) {
      policy.checkUrl(uri);
      return;
    }
    String origin = scheme + "://" + authority;
    if (allowedOrigins.get(origin) == null) {
      policy.checkUrl(uri);
      allowedOrigins.put(origin, Boolean.TRUE);
    }
  }

  private final BoundedCache<String, Boolean> allowedOrigins = new BoundedCache<>(10_000);

  /** The client that verifies no certificate, started on first use. */
  private HttpClient unverified() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the outbound HTTP client is closed");
      }
      if (unverified == null) {
        HttpClient made = client(policy, false);
        try {
          made.start();
        } catch (Exception e) {
          throw new IllegalStateException("cannot start the outbound HTTP client", e);
        }
        onlyInterimHandlers(made);
        unverified = made;
      }
      return unverified;
    }
  }

  /**
   * A URL as messages may show it: scheme, host, port and path, never its user info or query,
   * either of which may carry a secret.
   */
  public static String describe(URI uri) {
    return uri.getScheme()
        + "://"
        + uri.getHost()
        + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }

  /**
   * The refusal in a failed call's cause chain ({@code send()} wraps it in an {@code
   * ExecutionException}, listeners get it as is).
   */
  public static Optional<OutboundRefusedException> refusal(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof OutboundRefusedException refused) {
        return Optional.of(refused);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return Optional.empty();
  }

  /** Stops the client: open connections are closed and queued requests fail. */
  @Override
  public void close() {
    try {
      started.handle((ok, failed) -> null).join();
      client.stop();
      synchronized (lock) {
        closed = true;
        if (unverified != null) {
          unverified.stop();
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the outbound HTTP client", e);
    }
  }
}
