package io.credflow;

import io.credflow.account.AccountService;
import io.credflow.account.Passwords;
import io.credflow.api.ApiServer;
import io.credflow.api.Health;
import io.credflow.api.RateLimits;
import io.credflow.audit.AuditService;
import io.credflow.authclient.AuthClient;
import io.credflow.authclient.AuthClientService;
import io.credflow.common.RecentlyRead;
import io.credflow.common.Secret;
import io.credflow.common.Timing;
import io.credflow.component.ComponentService;
import io.credflow.console.Console;
import io.credflow.credential.CredentialService;
import io.credflow.credential.EventLog;
import io.credflow.credential.ExpiryWatch;
import io.credflow.credential.RequestAuthorities;
import io.credflow.credential.TokenLifecycle;
import io.credflow.crypto.Keyring;
import io.credflow.demo.DemoProvider;
import io.credflow.executor.Attachments;
import io.credflow.executor.RestApiAction;
import io.credflow.executor.VerifyService;
import io.credflow.flow.FlowEngine;
import io.credflow.flow.FlowService;
import io.credflow.flow.RunService;
import io.credflow.oauth.AuthorizationService;
import io.credflow.oauth.OAuthLifecycle;
import io.credflow.oauth.OAuthProviders;
import io.credflow.oauth.RefreshPolicy;
import io.credflow.oauth.RefreshScheduler;
import io.credflow.oauth.RefreshService;
import io.credflow.oauth.TokenHttp;
import io.credflow.outbound.OutboundHttp;
import io.credflow.outbound.OutboundPolicy;
import io.credflow.store.Database;
import io.credflow.store.Dialect;
import io.credflow.store.Jdbc;
import io.credflow.store.JdbcAccountRepository;
import io.credflow.store.JdbcAttachments;
import io.credflow.store.JdbcAuditLog;
import io.credflow.store.JdbcAuthClientRepository;
import io.credflow.store.JdbcAuthorizationRepository;
import io.credflow.store.JdbcComponentRepository;
import io.credflow.store.JdbcCredentialRepository;
import io.credflow.store.JdbcEventLog;
import io.credflow.store.JdbcExpiries;
import io.credflow.store.JdbcFlowRepository;
import io.credflow.store.JdbcRefreshSchedule;
import io.credflow.store.JdbcTenancyRepository;
import io.credflow.store.JdbcWebhookRepository;
import io.credflow.store.KeysetGuard;
import io.credflow.store.SecretColumns;
import io.credflow.tenancy.TenancyService;
import io.credflow.webhook.WebhookDispatcher;
import io.credflow.webhook.WebhookEvents;
import io.credflow.webhook.WebhookService;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: wires every part from one validated {@link Config}, in order (database,
 * keyset check, migrations, services, HTTP server), and stops them taking new work first, then lets
 * the work in flight finish, then closes them (see {@link #shutdown()}).
 */
public final class Credflow implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Credflow.class);

  /** How often a stop looks whether the flow steps in flight are done. */
  private static final Duration STOP_POLL = Duration.ofMillis(50);

  private final Config config;
  private final Database database;
  private final ApiServer server;
  private final RefreshScheduler scheduler;
  private final Services services;
  private final Optional<Secret> newAdminKey;
  private final Optional<Secret> adminSetupToken;
  private final Optional<DemoProvider> demoProvider;
  private final AtomicReference<URI> publicUrl;
  private final Timing timing;
  private final AtomicBoolean stopped = new AtomicBoolean();

  /** The domain services, for the CLI's demo seeding and for tests that drive them directly. */
  public record Services(
      TenancyService tenancy,
      ComponentService components,
      AuthClientService authClients,
      CredentialService credentials,
      RequestAuthorities requestAuthorities,
      AuthorizationService authorizations,
      RefreshService refresher,
      RefreshScheduler scheduler,
      JdbcAuditLog audit,
      AuditService auditTrail,
      JdbcEventLog events,
      Keyring keyring,
      OutboundHttp outbound,
      RestApiAction requests,
      AccountService accounts,
      FlowService flows,
      RunService runs,
      FlowEngine flowEngine,
      Attachments attachments,
      ExpiryWatch expiries,
      WebhookService webhooks) {}

  private Credflow(
      Config config,
      Database database,
      ApiServer server,
      RefreshScheduler scheduler,
      Services services,
      Optional<Secret> newAdminKey,
      Optional<Secret> adminSetupToken,
      Optional<DemoProvider> demoProvider,
      AtomicReference<URI> publicUrl,
      Timing timing) {
    this.config = config;
    this.demoProvider = demoProvider;
    this.adminSetupToken = adminSetupToken;
    this.publicUrl = publicUrl;
    this.timing = timing;
    this.database = database;
    this.server = server;
    this.scheduler = scheduler;
    this.services = services;
    this.newAdminKey = newAdminKey;
  }

  /** Starts Credflow on {@code clock} with real waits; see {@link #start(Config, Timing)}. */
  public static Credflow start(Config config, Clock clock) {
    return start(config, Timing.of(clock));
  }

  /**
   * Starts Credflow; on any failure everything opened so far is closed again. Every clock read,
   * wait and jitter comes from {@code timing}.
   */
  public static Credflow start(Config config, Timing timing) {
    Clock clock = timing.clock();
    // The data directory holds the H2 database and, unless CREDFLOW_KEYSET points elsewhere, the
    // keyset (with PostgreSQL too): only Credflow's user may enter it.
    boolean dataDirUsed =
        config.embeddedDatabase()
            || config.keysetPath().toAbsolutePath().startsWith(config.dataDir().toAbsolutePath());
    if (dataDirUsed) {
      DataDirectory.prepare(config.dataDir());
    }
    if (config.embeddedDatabase()) {
      KeysetGuard.checkReadOnly(
          config.dbUrl(),
          config.dbUser().orElse(null),
          config.dbPassword().map(Secret::reveal).orElse(null),
          config.keysetPath());
    }
    Database database =
        Database.open(
            config.dbUrl(),
            config.dbUser().orElse(null),
            config.dbPassword().map(Secret::reveal).orElse(null));
    OutboundHttp outbound = null;
    try {
      Keyring keyring = KeysetGuard.open(database, config.keysetPath());
      database.migrate();
      if (dataDirUsed) {
        DataDirectory.restrictFiles(config.dataDir());
      }
      KeysetGuard.record(database, keyring, clock);
      Jdbc jdbc = database.jdbc();
      SecretColumns secrets = new SecretColumns(keyring);
      PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      JdbcAuditLog audit = new JdbcAuditLog(jdbc, metrics);
      AuditService auditTrail = new AuditService(audit, clock, config.auditRetentionDays());
      TenancyService tenancy =
          new TenancyService(new JdbcTenancyRepository(jdbc), jdbc, clock, audit);
      AccountService accounts =
          new AccountService(
              new JdbcAccountRepository(jdbc), tenancy, jdbc, clock, Passwords.defaults(), audit);
      ComponentService components =
          new ComponentService(new JdbcComponentRepository(jdbc, clock), tenancy, clock);
      // One guard for every call to another company (token endpoints and the executor), and for
      // the endpoints auth-clients are written with.
      OutboundPolicy policy =
          new OutboundPolicy(
              config.allowPrivateNetwork(),
              config.hostResolver(),
              Set.copyOf(config.allowOutbound()));
      AuthClientService authClients =
          new AuthClientService(
              new JdbcAuthClientRepository(jdbc, secrets, clock),
              components,
              tenancy,
              jdbc,
              clock,
              policy,
              VerifyService::check,
              audit);
      JdbcEventLog events = new JdbcEventLog(jdbc);
      JdbcCredentialRepository credentialRepository =
          new JdbcCredentialRepository(jdbc, secrets, clock);
      outbound = OutboundHttp.start(policy);
      // Event webhooks: every event recorded from here on writes its deliveries with it.
      JdbcWebhookRepository webhookRepository = new JdbcWebhookRepository(jdbc, secrets);
      WebhookDispatcher webhookDispatcher =
          WebhookDispatcher.create(
              webhookRepository, outbound, metrics, WebhookDispatcher.Settings.defaults(), timing);
      EventLog published = new WebhookEvents(events, webhookDispatcher, jdbc);
      OAuthProviders providers =
          new OAuthProviders(TokenHttp.create(outbound, TokenHttp.DEFAULT_TIMEOUT));
      JdbcRefreshSchedule schedule = new JdbcRefreshSchedule(jdbc);
      // A refresh storm reads the same few auth-clients for thousands of credentials: each is read
      // once a second at most (a change through this process is seen at once).
      RecentlyRead<String, Optional<AuthClient>> refreshedAuthClients =
          new RecentlyRead<>(authClients::findUnchecked, Duration.ofSeconds(1), clock, 10_000);
      authClients.onChange(refreshedAuthClients::forget);
      ExpiryWatch expiries =
          new ExpiryWatch(
              new JdbcExpiries(jdbc),
              authClients::findUnchecked,
              published,
              jdbc,
              timing,
              config.expiryWarning());
      RefreshService refresher =
          new RefreshService(
              credentialRepository,
              refreshedAuthClients::get,
              schedule,
              providers,
              published,
              RefreshPolicy.defaults().withRandom(timing.jitter()),
              jdbc,
              timing,
              expiries,
              audit,
              metrics);
      AtomicReference<CredentialService> credentialsRef = new AtomicReference<>();
      AtomicReference<URI> publicUrl = new AtomicReference<>(config.publicUrl());
      AuthorizationService authorizations =
          new AuthorizationService(
              new JdbcAuthorizationRepository(jdbc, secrets),
              authClients,
              components,
              tenancy,
              providers,
              credentialsRef::get,
              publicUrl::get,
              clock);
      TokenLifecycle lifecycle =
          new OAuthLifecycle(authorizations, refresher, schedule, providers, published, clock);
      RequestAuthorities requestAuthorities =
          new RequestAuthorities(
              credentialRepository, authClients, tenancy, lifecycle, audit, clock);
      CredentialService credentials =
          new CredentialService(
              credentialRepository,
              authClients,
              tenancy,
              audit,
              published,
              lifecycle,
              requestAuthorities,
              jdbc,
              clock,
              VerifyService::check,
              expiries);
      credentialsRef.set(credentials);
      refresher.onChange(requestAuthorities::forget);
      JdbcAttachments attachments =
          JdbcAttachments.create(database, config.dataDir(), publicUrl::get, clock);
      RestApiAction requests =
          new RestApiAction(
              requestAuthorities, outbound, RestApiAction.Settings.defaults(), timing, attachments);
      new JvmMemoryMetrics().bindTo(metrics);
      new JvmThreadMetrics().bindTo(metrics);
      JdbcFlowRepository flowRepository = new JdbcFlowRepository(jdbc, secrets);
      FlowEngine flowEngine =
          FlowEngine.create(
              database.dataSource(),
              database.dialect() == Dialect.POSTGRESQL,
              flowRepository,
              jdbc,
              requests,
              tenancy::callerFor,
              published,
              metrics,
              config.flows(),
              clock,
              List.of(
                  new FlowEngine.Chore(
                      "credflow-audit-retention", AuditService.SWEEP_EVERY, auditTrail::sweep)),
              List.of(webhookDispatcher.task()));
      webhookDispatcher.wakeWith(flowEngine::wake);
      WebhookService webhooks =
          new WebhookService(webhookRepository, tenancy, webhookDispatcher, policy, clock);
      FlowService flows =
          new FlowService(flowRepository, tenancy, components, credentials, flowEngine, clock);
      credentials.usedBy(flows);
      RunService runs = new RunService(flowRepository, flows, flowEngine, tenancy);
      Optional<Secret> adminKey = tenancy.bootstrapAdmin(config.adminApiKey());
      Optional<Secret> adminSetupToken = accounts.prepareAdmin(config.adminPassword());
      accounts.sweep();
      RateLimits limits = new RateLimits(config.rateLimits(), clock);
      Console console =
          Console.create(
              new Console.Services(
                  tenancy,
                  accounts,
                  components,
                  authClients,
                  credentials,
                  authorizations,
                  new VerifyService(credentials, requests),
                  flows,
                  runs,
                  requests,
                  audit::ofCredential,
                  new Console.SignInLimit() {
                    @Override
                    public Optional<Duration> blocked(String remote, List<String> forwarded) {
                      return limits.failedAuthenticationWait(
                          limits.clientAddress(remote, forwarded));
                    }

                    @Override
                    public Optional<Duration> failed(String remote, List<String> forwarded) {
                      return limits.failedAuthentication(limits.clientAddress(remote, forwarded));
                    }

                    @Override
                    public String clientAddress(String remote, List<String> forwarded) {
                      return limits.clientAddress(remote, forwarded);
                    }
                  },
                  publicUrl::get,
                  clock,
                  webhooks));
      // With --demo, a small OAuth2 provider inside Credflow, so that Authenticate can be tried
      // offline (its pages and endpoints under /demo/oauth2/).
      Optional<DemoProvider> demoProvider =
          config.demo()
              ? Optional.of(
                  DemoProvider.create(clock, publicUrl::get, DemoProvider.Settings.defaults()))
              : Optional.empty();
      List<java.util.function.Consumer<io.javalin.config.RoutesConfig>> edges =
          new java.util.ArrayList<>();
      edges.add(console::register);
      demoProvider.ifPresent(d -> edges.add(d::register));
      ApiServer server =
          ApiServer.start(
              config.host(),
              config.port(),
              new ApiServer.Services(
                  tenancy,
                  components,
                  authClients,
                  credentials,
                  authorizations,
                  requests,
                  flows,
                  runs,
                  publicUrl::get,
                  database::isHealthy,
                  metrics,
                  attachments,
                  auditTrail,
                  webhooks),
              limits,
              new ApiServer.Edges(edges, Optional.of(console.pageNotFound()), console::answered),
              // The server starts only after the migrations above: they are done when it answers.
              new Health(database::isHealthy, () -> true));
      if (!config.publicUrlSet()) {
        publicUrl.set(URI.create("http://localhost:" + server.port()));
      }
      RefreshScheduler scheduler =
          new RefreshScheduler(
              schedule,
              refresher,
              timing,
              RefreshScheduler.DEFAULT_POLL,
              RefreshScheduler.DEFAULT_CONCURRENCY,
              RefreshScheduler.DEFAULT_BATCH);
      if (config.refreshPoller()) {
        scheduler.start();
        // Driven by hand with the refreshes (tests sweep on their clock).
        expiries.start(ExpiryWatch.DEFAULT_SWEEP);
      }
      flowEngine.start();
      return new Credflow(
          config,
          database,
          server,
          scheduler,
          new Services(
              tenancy,
              components,
              authClients,
              credentials,
              requestAuthorities,
              authorizations,
              refresher,
              scheduler,
              audit,
              auditTrail,
              events,
              keyring,
              outbound,
              requests,
              accounts,
              flows,
              runs,
              flowEngine,
              attachments,
              expiries,
              webhooks),
          adminKey,
          adminSetupToken,
          demoProvider,
          publicUrl,
          timing);
    } catch (RuntimeException e) {
      if (outbound != null) {
        outbound.close();
      }
      database.close();
      throw e;
    }
  }

  /** Every HTTP route the server registered (for the OpenAPI description's drift test). */
  public List<ApiServer.Route> routes() {
    return server.routes();
  }

  public int port() {
    return server.port();
  }

  /** Where this process listens, as a local URL. */
  public URI localUrl() {
    String host = config.host().equals("0.0.0.0") ? "localhost" : config.host();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + port());
  }

  public Config config() {
    return config;
  }

  /** The clock, sleeper and jitter this process runs on. */
  public Timing timing() {
    return timing;
  }

  public Services services() {
    return services;
  }

  public Database database() {
    return database;
  }

  /** The bootstrap admin's key when this start created the admin; shown once, never stored. */
  public Optional<Secret> newAdminKey() {
    return newAdminKey;
  }

  /** The demo OAuth2 provider, when started with {@code --demo}. */
  public Optional<DemoProvider> demoProvider() {
    return demoProvider;
  }

  /**
   * The one-time token that sets the bootstrap admin's password (at {@link #publicUrl()} + {@link
   * AccountService#SETUP_PATH} + token) when the admin has none and no CREDFLOW_ADMIN_PASSWORD gave
   * one; shown once, stored only as a digest. Empty once the admin has a password.
   */
  public Optional<Secret> adminSetupToken() {
    return adminSetupToken;
  }

  /**
   * The URL users reach this process at: the configured public URL, or this process's local one
   * (with the port it listens on) when none is configured.
   */
  public URI publicUrl() {
    return publicUrl.get();
  }

  /**
   * Stops as on SIGTERM, within {@link Config#shutdownGrace()}: readiness answers 503 at once and
   * this process takes no new flow steps or scheduled refreshes (the other processes on the
   * database do); the listener goes on serving for a quarter of the grace, so that a load balancer
   * sees the 503 and sends new requests elsewhere, then closes; the requests, flow steps and
   * refreshes in flight get the rest of the grace to finish. Flow steps still running then are
   * handed back (nothing recorded; another process runs them); then the rest closes.
   */
  public void shutdown() {
    stop(config.shutdownGrace().dividedBy(4), config.shutdownGrace());
  }

  /** Closes in {@link #shutdown()}'s order, without keeping the listener open for a balancer. */
  @Override
  public void close() {
    stop(Duration.ZERO, config.shutdownGrace());
  }

  private void stop(Duration drain, Duration grace) {
    // A SIGTERM's stop and a try-with-resources close may both come: the first one stops.
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    Instant deadline = timing.clock().instant().plus(grace);
    // New work stops first, everywhere at once: readiness, flow steps, scheduled refreshes.
    server.drain();
    services.flowEngine().stopTaking();
    scheduler.stopPolling();
    if (drain.isPositive()) {
      LOG.info(
          "stopping: /health/ready answers 503; the listener closes in {} ms, and work in flight"
              + " has {} ms in all",
          drain.toMillis(),
          grace.toMillis());
    }
    timing.pause(drain);
    // Requests first: one in flight may start a run or refresh a token on use.
    server.stop(until(deadline));
    // Steps get the grace less what closing the engine may take (a wait, an interrupt, a wait
    // for the interrupted ones to hand their tasks back), so the stop ends within the grace.
    Instant stepsDeadline = deadline.minus(FlowEngine.SHUTDOWN_MAX_WAIT.multipliedBy(2));
    while (services.flowEngine().inFlight() > 0 && until(stepsDeadline).isPositive()) {
      timing.pause(STOP_POLL);
    }
    services.flowEngine().close();
    services.expiries().close();
    if (!scheduler.close(until(deadline))) {
      LOG.warn("stopping: refreshes still in flight at the end of the grace period");
    }
    services.requestAuthorities().close();
    services.outbound().close();
    database.close();
    if (drain.isPositive()) {
      LOG.info("stopped");
    }
  }

  private Duration until(Instant deadline) {
    Duration left = Duration.between(timing.clock().instant(), deadline);
    return left.isNegative() ? Duration.ZERO : left;
  }
}
