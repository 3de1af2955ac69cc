package io.credflow.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.audit.AuditService;
import io.credflow.audit.Origin;
import io.credflow.authclient.AuthClientService;
import io.credflow.common.ConflictException;
import io.credflow.common.CredflowException;
import io.credflow.common.ForbiddenException;
import io.credflow.common.Ids;
import io.credflow.common.NotFoundException;
import io.credflow.common.Secret;
import io.credflow.common.UpstreamException;
import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import io.credflow.component.ComponentService;
import io.credflow.credential.CredentialService;
import io.credflow.executor.Attachments;
import io.credflow.executor.ReboundException;
import io.credflow.executor.RestApiAction;
import io.credflow.flow.FlowService;
import io.credflow.flow.RunService;
import io.credflow.oauth.AuthorizationService;
import io.credflow.outbound.OutboundRefusedException;
import io.credflow.tenancy.Caller;
import io.credflow.tenancy.TenancyService;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: authentication, routes of every resource, JSON:API errors for every failure,
 * health and metrics. Built once with {@link #start} and frozen.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  private static final String STARTED = "credflow.started";
  private static final String ERROR_WRITTEN = "credflow.error";
  private static final String WWW_AUTHENTICATE =
      "Basic realm=\"credflow\", Bearer realm=\"credflow\"";

  /** What the server serves. */
  public record Services(
      TenancyService tenancy,
      ComponentService components,
      AuthClientService authClients,
      CredentialService credentials,
      AuthorizationService authorizations,
      RestApiAction requests,
      FlowService flows,
      RunService runs,
      java.util.function.Supplier<java.net.URI> publicUrl,
      BooleanSupplier databaseHealthy,
      PrometheusMeterRegistry metrics,
      Attachments attachments,
      AuditService audit,
      io.credflow.webhook.WebhookService webhooks) {}

  /**
   * Other edges served by the same server (the browser console, the demo provider): their routes,
   * and how they answer a browser that asked for a page outside {@code /v2} that does not exist.
   */
  public record Edges(
      List<Consumer<RoutesConfig>> routes,
      Optional<Handler> pageNotFound,
      java.util.function.Predicate<Context> answeredItself) {
    public Edges {
      routes = List.copyOf(routes);
    }

    public static Edges none() {
      return new Edges(List.of(), Optional.empty(), ctx -> false);
    }
  }

  private static final Logger ACCESS = LoggerFactory.getLogger("io.credflow.access");

  /**
   * Connections without a request in flight are closed this soon once a stop began (Jetty's default
   * is a second); a request in flight is not cut by it.
   */
  private static final long IDLE_AT_STOP_MS = 200;

  /** A registered route: its HTTP method and path template (e.g. {@code /v2/tenants/{id}}). */
  public record Route(String method, String path) {}

  private final Javalin app;
  private final Health health;
  private final List<Route> routes;

  private ApiServer(Javalin app, Health health, List<Route> routes) {
    this.app = app;
    this.health = health;
    this.routes = routes;
  }

  /**
   * Starts listening on {@code host:port} (port 0 picks a free one), with {@code limits} on failed
   * authentications and requests per API key.
   */
  public static ApiServer start(String host, int port, Services services, RateLimits limits) {
    return start(host, port, services, limits, Edges.none());
  }

  /** Starts as {@link #start(String, int, Services, RateLimits)}, serving {@code edges} too. */
  public static ApiServer start(
      String host, int port, Services services, RateLimits limits, Edges edges) {
    return start(
        host, port, services, limits, edges, new Health(services.databaseHealthy(), () -> true));
  }

  /**
   * Starts as {@link #start(String, int, Services, RateLimits, Edges)}, answering {@code
   * /health/live} and {@code /health/ready} from {@code health}.
   */
  public static ApiServer start(
      String host, int port, Services services, RateLimits limits, Edges edges, Health health) {
    List<Route> registered = new java.util.concurrent.CopyOnWriteArrayList<>();
    Javalin app =
        Javalin.create(
            config -> {
              config.events.handlerAdded(
                  h -> {
                    if (h.getHttpMethod().isHttpMethod()) {
                      registered.add(new Route(h.getHttpMethod().name(), h.getPath()));
                    }
                  });
              config.concurrency.useVirtualThreads = true;
              config.http.prefer405over404 = true;
              config.http.maxRequestSize = JsonApi.MAX_BODY_BYTES + 1;
              config.startup.showJavalinBanner = false;
              config.jetty.host = host;
              config.jetty.port = port;
              config.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrors()));
              // Counts the requests in flight, so that a stop waits for them (see stop).
              config.jetty.modifyServer(server -> server.insertHandler(new GracefulHandler()));
              config.jetty.modifyServletContextHandler(
                  h ->
                      h.addFilter(
                          new FilterHolder(new RequestIds(Ids::newId)),
                          "/*",
                          EnumSet.of(DispatcherType.REQUEST)));
              config.router.javaLangErrorHandler(ApiServer::javaLangError);
              config.jetty.modifyServletContextHandler(h -> h.setErrorHandler(new JettyErrors()));
              var routes = config.routes;
              routes.before(ctx -> ctx.attribute(STARTED, System.nanoTime()));
              routes.before(ctx -> SecurityHeaders.apply(ctx::header));
              routes.beforeMatched(
                  "/v2/*",
                  ctx -> {
                    if (!ctx.path().equals(OpenApiDescription.PATH)) {
                      authenticate(ctx, services.tenancy(), limits);
                    }
                  });
              routes.before("/v2/*", ApiServer::negotiate);
              routes.get("/health", ctx -> health(ctx, services.databaseHealthy()));
              health.register(routes);
              routes.beforeMatched(
                  "/metrics", ctx -> authenticate(ctx, services.tenancy(), limits));
              routes.get(
                  "/metrics",
                  ctx -> {
                    requireGlobalAdmin(ctx);
                    ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(services.metrics().scrape());
                  });
              routes.get(
                  OpenApiDescription.PATH,
                  ctx -> ctx.contentType("application/json").result(OpenApiDescription.json()));
              new TenancyRoutes(services.tenancy()).register(routes);
              new ComponentRoutes(services.components()).register(routes);
              new AuthClientRoutes(services.authClients()).register(routes);
              new CredentialRoutes(services.credentials(), services.requests(), services.flows())
                  .register(routes);
              new AuthorizationRoutes(services.authorizations()).register(routes);
              new RequestRoutes(services.requests()).register(routes);
              new FlowRoutes(services.flows(), services.runs(), services.publicUrl())
                  .register(routes);
              new AttachmentRoutes(services.tenancy(), services.attachments()).register(routes);
              new AuditRoutes(services.tenancy(), services.audit()).register(routes);
              new WebhookRoutes(services.webhooks()).register(routes);
              edges.routes().forEach(edge -> edge.accept(routes));
              routes.exception(Exception.class, ApiServer::handle);
              routes.error(
                  404,
                  ctx -> {
                    if (edges.answeredItself().test(ctx)) {
                      // An edge's own "not found" page (e.g. a setup link that was used).
                      return;
                    }
                    if (edges.pageNotFound().isPresent() && wantsPage(ctx)) {
                      edges.pageNotFound().get().handle(ctx);
                    } else {
                      fallback(ctx, 404, "not_found", "no such resource or route");
                    }
                  });
              routes.error(
                  405,
                  ctx ->
                      fallback(
                          ctx, 405, "method_not_allowed", ctx.method() + " is not allowed here"));
              // Routes are templates and statuses few: the timers stay few, looked up, not rebuilt.
              var timers = new io.credflow.common.BoundedCache<TimerKey, Timer>(10_000);
              routes.after(ctx -> record(ctx, services.metrics(), timers));
            });
    app.start();
    return new ApiServer(app, health, List.copyOf(registered));
  }

  public int port() {
    return app.port();
  }

  /**
   * The first step of a stop: readiness answers 503 from now on, while every route, the listener
   * and the requests in flight go on as before.
   */
  public void drain() {
    health.stopping();
  }

  /**
   * Stops gracefully: readiness turns 503 (if {@link #drain()} did not already), the listener
   * closes (new connections are refused), a request arriving on an open connection is answered 503,
   * and the requests in flight get up to {@code grace} to finish before their connections are
   * closed. Returns once the server stopped.
   */
  public void stop(Duration grace) {
    drain();
    Server server = app.jettyServer().server();
    server.setStopTimeout(Math.max(0, grace.toMillis()));
    for (Connector connector : server.getConnectors()) {
      if (connector instanceof AbstractConnector c) {
        c.setShutdownIdleTimeout(IDLE_AT_STOP_MS);
      }
      // The listening socket closes now, so a new connection is refused at once: stopping alone
      // only stops accepting, and the kernel would go on completing connections that nobody
      // serves until the requests in flight end.
      if (connector instanceof NetworkConnector listener) {
        try {
          listener.close();
        } catch (RuntimeException e) {
          LOG.debug("closing the listener failed; the stop closes it: {}", e.getMessage());
        }
      }
    }
    app.stop();
  }

  /** Every HTTP route registered, API and edges alike, in the order of registration. */
  public List<Route> routes() {
    return routes;
  }

  /** Stops without waiting for requests in flight; see {@link #stop(Duration)}. */
  @Override
  public void close() {
    stop(Duration.ZERO);
  }

  /** A browser asking for a page: not the API, and HTML accepted. */
  private static boolean wantsPage(Context ctx) {
    String accept = ctx.header("Accept");
    return !ctx.path().startsWith("/v2/")
        && ctx.attribute(ERROR_WRITTEN) == null
        && accept != null
        && accept.contains("text/html");
  }

  private static void negotiate(Context ctx) {
    if (!JsonApi.acceptsJson(ctx.header("Accept"))) {
      throw ApiException.of(
          406,
          "not_acceptable",
          "this API answers " + JsonApi.MEDIA_TYPE + "; fix the Accept header");
    }
  }

  private static void authenticate(Context ctx, TenancyService tenancy, RateLimits limits) {
    String header = ctx.header("Authorization");
    Optional<Caller> caller = Optional.empty();
    if (header != null) {
      String h = header.trim();
      int space = h.indexOf(' ');
      String scheme = space < 0 ? h : h.substring(0, space);
      String value = space < 0 ? "" : h.substring(space + 1).trim();
      if (scheme.equalsIgnoreCase("Bearer") && !value.isEmpty()) {
        caller = tenancy.authenticate(Optional.empty(), Secret.of(value));
      } else if (scheme.equalsIgnoreCase("Basic") && !value.isEmpty()) {
        caller = basic(value, tenancy);
      }
    }
    if (caller.isEmpty()) {
      // A key that was sent and is wrong counts against the address; a request without any key
      // guesses nothing. A valid key from a limited address still passes (above): only guessing
      // is slowed down.
      if (header != null) {
        String address =
            limits.clientAddress(
                ctx.req().getRemoteAddr(),
                java.util.Collections.list(ctx.req().getHeaders("X-Forwarded-For")));
        limits
            .failedAuthentication(address)
            .ifPresent(
                wait -> {
                  throw tooManyRequests(
                      ctx,
                      wait,
                      "too_many_failed_authentications",
                      "more than "
                          + limits.settings().authFailuresPerAddressPerMinute()
                          + " failed authentications from your address in a minute: check the"
                          + " API key and try again in "
                          + seconds(wait)
                          + " s");
                });
      }
      ctx.header("WWW-Authenticate", WWW_AUTHENTICATE);
      throw ApiException.of(
          401,
          "unauthenticated",
          header == null
              ? "send your API key as Authorization: Bearer KEY or Basic base64(EMAIL:KEY)"
              : "the API key (or email and key) in the Authorization header is not valid");
    }
    limits
        .request(caller.get().user().id())
        .ifPresent(
            wait -> {
              throw tooManyRequests(
                  ctx,
                  wait,
                  "rate_limited",
                  "this API key made more than "
                      + limits.settings().requestsPerKeyPerMinute()
                      + " requests in a minute: slow down and try again in "
                      + seconds(wait)
                      + " s");
            });
    // Who, from where and why, for the audit records of whatever this request does.
    Origin origin =
        new Origin(
            Optional.of(
                limits.clientAddress(
                    ctx.req().getRemoteAddr(),
                    java.util.Collections.list(ctx.req().getHeaders("X-Forwarded-For")))),
            Requests.reason(ctx));
    ctx.attribute(Requests.CALLER, caller.get().from(origin));
  }

  /** Whole seconds to wait, rounded up, at least one (as {@code Retry-After} says it). */
  private static long seconds(java.time.Duration wait) {
    long s = wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0);
    return Math.max(1, s);
  }

  private static ApiException tooManyRequests(
      Context ctx, java.time.Duration wait, String code, String detail) {
    ctx.header("Retry-After", Long.toString(seconds(wait)));
    return ApiException.of(429, code, detail);
  }

  private static Optional<Caller> basic(String encoded, TenancyService tenancy) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0 || colon == decoded.length() - 1) {
      return Optional.empty();
    }
    return tenancy.authenticate(
        Optional.of(decoded.substring(0, colon)), Secret.of(decoded.substring(colon + 1)));
  }

  /**
   * Metrics tell how busy every route is and how the process does: for the operators (the global
   * admin's key, as a Prometheus scrape sends it in {@code authorization}), not for every tenant.
   */
  private static void requireGlobalAdmin(Context ctx) {
    if (!Requests.caller(ctx).globalAdmin()) {
      throw new ForbiddenException("metrics are served to a global admin's API key only");
    }
  }

  private static void health(Context ctx, BooleanSupplier databaseHealthy) {
    boolean db = databaseHealthy.getAsBoolean();
    ObjectNode doc = JsonApi.object();
    doc.put("status", db ? "ok" : "unavailable");
    doc.putObject("checks").put("process", "ok").put("database", db ? "ok" : "unavailable");
    ctx.status(db ? 200 : 503).json(doc.toString()).contentType("application/json");
    ctx.result(doc.toString());
  }

  private static void handle(Exception e, Context ctx) {
    switch (e) {
      case ApiException a -> {
        ObjectNode error = JsonApi.error(a.status(), a.code(), title(a.status()), a.getMessage());
        a.pointer().ifPresent(p -> error.putObject("source").put("pointer", p));
        a.parameter().ifPresent(p -> error.putObject("source").put("parameter", p));
        writeErrors(ctx, a.status(), error);
      }
      case ValidationException v -> {
        ArrayNode errors = JsonApi.array();
        for (Violation violation : v.violations()) {
          ObjectNode error = JsonApi.error(422, violation.code(), title(422), violation.detail());
          error.putObject("source").put("pointer", Pointers.of(ctx, violation.field()));
          errors.add(error);
        }
        ctx.attribute(ERROR_WRITTEN, true);
        JsonApi.write(ctx, 422, JsonApi.errors(errors));
      }
      case NotFoundException n -> {
        ObjectNode error = JsonApi.error(404, n.code(), title(404), n.getMessage());
        n.field().ifPresent(f -> error.putObject("source").put("pointer", Pointers.of(ctx, f)));
        writeErrors(ctx, 404, error);
      }
      case ConflictException c -> {
        ObjectNode error = JsonApi.error(409, c.code(), title(409), c.getMessage());
        c.field().ifPresent(f -> error.putObject("source").put("pointer", Pointers.of(ctx, f)));
        writeErrors(ctx, 409, error);
      }
      case OutboundRefusedException o -> {
        ObjectNode error =
            JsonApi.error(
                OutboundRefusedException.STATUS,
                o.code(),
                title(OutboundRefusedException.STATUS),
                o.getMessage());
        o.field().ifPresent(f -> error.putObject("source").put("pointer", Pointers.of(ctx, f)));
        writeErrors(ctx, OutboundRefusedException.STATUS, error);
      }
      case UpstreamException u ->
          writeErrors(ctx, 502, JsonApi.error(502, u.code(), title(502), u.getMessage()));
      case ReboundException r ->
          writeErrors(ctx, 503, JsonApi.error(503, r.code(), title(503), r.getMessage()));
      case ForbiddenException f ->
          writeErrors(ctx, 403, JsonApi.error(403, f.code(), title(403), f.getMessage()));
      case HttpResponseException h ->
          writeErrors(
              ctx,
              h.getStatus(),
              JsonApi.error(
                  h.getStatus(),
                  "http_" + h.getStatus(),
                  title(h.getStatus()),
                  "the request was refused (" + title(h.getStatus()) + ")"));
      case CredflowException c -> internal(ctx, c);
      default -> internal(ctx, e);
    }
  }

  private static void internal(Context ctx, Exception e) {
    LOG.error("request {} {} failed", ctx.method(), ctx.path(), e);
    writeErrors(
        ctx,
        500,
        JsonApi.error(
            500,
            "internal_error",
            title(500),
            "Credflow could not complete the request; it has been logged. Try again later."));
  }

  /**
   * An {@link Error} that escaped a route (out of memory, out of stack): a JSON:API error like
   * every other failure, never Javalin's bare 500. Out of memory is a 503, since trying again later
   * may well work.
   */
  private static void javaLangError(HttpServletResponse response, Error e) {
    LOG.error("a request failed with {}", e.getClass().getName(), e);
    if (response.isCommitted()) {
      return;
    }
    int status = errorStatus(e);
    try {
      response.setStatus(status);
      response.setContentType(JsonApi.MEDIA_TYPE);
      response.getOutputStream().write(errorDocument(e));
    } catch (java.io.IOException | RuntimeException written) {
      // The client went away or the answer was started: nothing more to say to it.
    }
  }

  static int errorStatus(Error e) {
    return e instanceof OutOfMemoryError ? 503 : 500;
  }

  /** The JSON:API document answering {@code e}; it names no detail of the error itself. */
  static byte[] errorDocument(Error e) {
    int status = errorStatus(e);
    ObjectNode error =
        status == 503
            ? JsonApi.error(
                503,
                "insufficient_memory",
                title(503),
                "Credflow ran out of memory while answering; try again later, or with a smaller"
                    + " request")
            : JsonApi.error(
                500,
                "internal_error",
                title(500),
                "Credflow could not complete the request; it has been logged. Try again later.");
    ArrayNode errors = JsonApi.array();
    errors.add(error);
    try {
      return JsonApi.MAPPER.writeValueAsBytes(JsonApi.errors(errors));
    } catch (com.fasterxml.jackson.core.JsonProcessingException failed) {
      throw new IllegalStateException("cannot serialize an error document", failed);
    }
  }

  private static void writeErrors(Context ctx, int status, ObjectNode error) {
    ArrayNode errors = JsonApi.array();
    errors.add(error);
    ctx.attribute(ERROR_WRITTEN, true);
    JsonApi.write(ctx, status, JsonApi.errors(errors));
  }

  /** Errors Javalin raises itself (no route, wrong method) get a JSON:API body too. */
  private static void fallback(Context ctx, int status, String code, String detail) {
    if (ctx.attribute(ERROR_WRITTEN) == null) {
      writeErrors(ctx, status, JsonApi.error(status, code, title(status), detail));
    }
  }

  private static void record(
      Context ctx,
      PrometheusMeterRegistry metrics,
      io.credflow.common.BoundedCache<TimerKey, Timer> timers) {
    Long started = ctx.attribute(STARTED);
    if (started == null) {
      return;
    }
    // The route template of the matched endpoint, never the raw path (ids would explode the
    // number of series, and paths can carry anything a client sends).
    io.javalin.router.Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
    String route = matched == null ? "unmatched" : matched.path;
    TimerKey key = new TimerKey(ctx.method().name(), route, ctx.statusCode());
    Timer timer = timers.get(key);
    if (timer == null) {
      timer =
          Timer.builder("credflow.http.requests")
              .tag("method", key.method())
              .tag("route", key.route())
              .tag("status", Integer.toString(key.status()))
              .register(metrics);
      timers.put(key, timer);
    }
    long took = System.nanoTime() - started;
    timer.record(took, java.util.concurrent.TimeUnit.NANOSECONDS);
    // The route template, never the path: a path can carry a capability (a webhook's id).
    ACCESS.debug(
        "{} {} {} in {} ms",
        key.method(),
        key.route(),
        key.status(),
        java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(took));
  }

  /** A request timer's tags; the timers are looked up once, not built again per request. */
  private record TimerKey(String method, String route, int status) {}

  static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 422 -> "Unprocessable Content";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      default -> "Error";
    };
  }
}
