package io.credflow.testing;

import io.credflow.Config;
import io.credflow.common.Timing;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Components;
import io.credflow.testing.oauth.FakeInstagram;
import io.credflow.testing.oauth.FakeOAuthProvider;
import io.credflow.testing.oauth.MockOAuth2Provider;
import io.credflow.testing.upstream.Upstream;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Owns a test class's Credflow server, its clock, the fake providers it talks to and the usual
 * tenancy, so that a test is its three lines:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final CredflowExtension credflow =
 *     CredflowExtension.h2().manualTime().fakeOAuthProviderPerTest().tenancyPerTest("refresh");
 *
 * private final FakeOAuthProvider provider = credflow.provider();
 * private final WorkspaceApi member = credflow.member();
 *
 * @Test
 * void accessWhenExpiredThenRefreshed() {
 *   String id = member.importTokens(credflow.oauth2Client(), provider.issueTokens("read"), 3600);
 *   credflow.time().advance(Duration.ofHours(2));
 *   assertThat(provider.isAccessTokenValid(member.accessToken(id))).isTrue();
 * }
 * }</pre>
 *
 * <p>Registered on a {@code static} field, the server (with everything declared for it) starts
 * before the class's first test and stops after its last; on an instance field, every test gets its
 * own. What is declared {@code …PerTest} is made when a test first asks for it (with a static
 * extension, also from a field initializer of the test instance) and closed after that test: a
 * per-test tenancy's credentials are deleted first, so that nothing of one test comes due in the
 * next.
 *
 * <p>Time: the system clock by default. {@link #manualTime()} gives the server (and the fakes) a
 * {@link ManualTime}; {@link #settableClock()} the same clock with real waits and random jitter.
 * Either way the clock moves only when the test moves it, and no refresh poller runs: due refreshes
 * run when the test calls {@link #runDueRefreshes()} (see {@link TestServer#DRIVEN_BY_HAND}).
 * Before each test, the sleeps a {@link ManualTime} recorded are forgotten.
 *
 * <p>Request-executor tests also declare the real {@link Upstream} the requests go to ({@link
 * #upstreamServer()}, and with {@link #tlsUpstreamServer()} one on HTTPS whose certificate nobody
 * signed), both on the class's clock, and an {@link ExecutorWorkspace} built on the server with the
 * class's provider; before each test, the upstreams forget what they received:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final CredflowExtension credflow =
 *     CredflowExtension.h2().manualTime().upstreamServer().executorWorkspace("fields");
 *
 * private final ManualTime time = credflow.time();
 * private final Upstream upstream = credflow.upstream();
 * private final ExecutorWorkspace w = credflow.executorWorkspace();
 * }</pre>
 *
 * <p>Test methods (and {@code @BeforeEach} methods) may also take a {@link TestServer}, {@link
 * ManualTime}, {@link SettableClock}, {@link World}, {@link World.Tenancy}, {@link WorkspaceApi}
 * (the member's), {@link FakeOAuthProvider}, {@link FakeInstagram}, {@link MockOAuth2Provider},
 * {@link Upstream} (the plain HTTP one) or {@link ExecutorWorkspace} parameter.
 */
public final class CredflowExtension
    implements BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        ParameterResolver {

  /** System property choosing the database of {@link #configuredDatabase()} classes. */
  public static final String DATABASE_PROPERTY = "credflow.test.db";

  private enum Clocks {
    SYSTEM,
    MANUAL,
    SETTABLE
  }

  private final boolean postgres;
  private Clocks clocks = Clocks.SYSTEM;
  private TemporalUnit startOfTime = ChronoUnit.SECONDS;
  private Consumer<Config.Builder> configuration = c -> {};
  private boolean classProvider;
  private boolean testProvider;
  private boolean classInstagram;
  private boolean classMock;
  private String classTenancyLabel;
  private String testTenancyLabel;
  private boolean classUpstream;
  private boolean classTlsUpstream;
  private String workspaceLabel;

  // The server and what lives as long as it does.
  private TestServer server;
  private boolean serverPerTest;
  private Timing timing;
  private ManualTime time;
  private World world;
  private FakeOAuthProvider provider;
  private FakeInstagram instagram;
  private MockOAuth2Provider mock;
  private World.Tenancy tenancy;
  private Upstream upstream;
  private Upstream tlsUpstream;
  private ExecutorWorkspace executorWorkspace;

  // What one test asked for; closed after it.
  private FakeOAuthProvider testsProvider;
  private World.Tenancy testsTenancy;

  private CredflowExtension(boolean postgres) {
    this.postgres = postgres;
  }

  /** A server on H2 in a temporary directory. */
  public static CredflowExtension h2() {
    return new CredflowExtension(false);
  }

  /** A server on a fresh PostgreSQL database. */
  public static CredflowExtension postgres() {
    return new CredflowExtension(true);
  }

  /** On PostgreSQL when {@code postgres}: for contract tests that run on both databases. */
  public static CredflowExtension database(boolean postgres) {
    return new CredflowExtension(postgres);
  }

  /**
   * H2, or PostgreSQL when the system property {@value #DATABASE_PROPERTY} is {@code postgres}
   * (e.g. {@code ./mvnw test -Dcredflow.test.db=postgres}).
   */
  public static CredflowExtension configuredDatabase() {
    return new CredflowExtension("postgres".equals(System.getProperty(DATABASE_PROPERTY)));
  }

  /**
   * A {@link ManualTime} at the current whole second: the server's clock, waits and jitter, and the
   * fakes' clock. Due refreshes run only by {@link #runDueRefreshes()}.
   */
  public CredflowExtension manualTime() {
    return manualTime(ChronoUnit.SECONDS);
  }

  /**
   * {@link #manualTime()} starting at the current instant truncated to {@code unit}: e.g. {@link
   * ChronoUnit#MINUTES} for a class that counts what happens per minute of the clock.
   */
  public CredflowExtension manualTime(TemporalUnit unit) {
    clocks = Clocks.MANUAL;
    startOfTime = unit;
    return this;
  }

  /**
   * The clock of a {@link ManualTime} with real waits and random jitter: for classes whose callers
   * race for real, or that look at how jitter spreads. Due refreshes run only by {@link
   * #runDueRefreshes()}.
   */
  public CredflowExtension settableClock() {
    clocks = Clocks.SETTABLE;
    return this;
  }

  /** More configuration of the server, after the test defaults. */
  public CredflowExtension configure(Consumer<Config.Builder> more) {
    configuration = configuration.andThen(more);
    return this;
  }

  /** One {@link FakeOAuthProvider} (on the server's clock) for the server's lifetime. */
  public CredflowExtension fakeOAuthProvider() {
    classProvider = true;
    return this;
  }

  /** A fresh {@link FakeOAuthProvider} (on the server's clock) for every test that asks. */
  public CredflowExtension fakeOAuthProviderPerTest() {
    testProvider = true;
    return this;
  }

  /** One {@link FakeInstagram} (on the server's clock) for the server's lifetime. */
  public CredflowExtension fakeInstagram() {
    classInstagram = true;
    return this;
  }

  /** One real OAuth2 server ({@link MockOAuth2Provider}) for the server's lifetime. */
  public CredflowExtension mockOAuth2Provider() {
    classMock = true;
    return this;
  }

  /** One tenancy ({@link World#tenancy}) named {@code label} for the server's lifetime. */
  public CredflowExtension tenancy(String label) {
    classTenancyLabel = label;
    return this;
  }

  /**
   * A fresh tenancy named {@code label-<random>} for every test that asks; after the test, its
   * credentials are deleted (before a per-test provider closes, so revocations reach it).
   */
  public CredflowExtension tenancyPerTest(String label) {
    testTenancyLabel = label;
    return this;
  }

  /**
   * One real {@link Upstream} on plain HTTP for the server's lifetime, on the server's clock; what
   * it received is forgotten before each test.
   */
  public CredflowExtension upstreamServer() {
    classUpstream = true;
    return this;
  }

  /**
   * One real {@link Upstream} on HTTPS ({@link Upstream#startTls(Clock)}: a certificate nobody
   * signed) for the server's lifetime, on the server's clock; what it received is forgotten before
   * each test.
   */
  public CredflowExtension tlsUpstreamServer() {
    classTlsUpstream = true;
    return this;
  }

  /**
   * One {@link ExecutorWorkspace} whose tenant is named {@code label}, built on the server for the
   * server's lifetime with the class's {@link #fakeOAuthProvider()} (which this declares too).
   */
  public CredflowExtension executorWorkspace(String label) {
    workspaceLabel = label;
    classProvider = true;
    return this;
  }

  // ---- lifecycle ----

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (server == null) {
      serverPerTest = true;
      start();
    }
    forgetTheLastTest();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    try {
      closeTestResources();
    } finally {
      if (serverPerTest) {
        stop();
      }
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  private synchronized void start() {
    if (workspaceLabel != null && testProvider) {
      throw new IllegalStateException(
          "an executor workspace is built with the class's provider: declare fakeOAuthProvider(),"
              + " not fakeOAuthProviderPerTest()");
    }
    timing =
        switch (clocks) {
          case SYSTEM -> Timing.system();
          case MANUAL -> manual().timing();
          case SETTABLE -> Timing.of(manual().clock());
        };
    Consumer<Config.Builder> config =
        clocks == Clocks.SYSTEM ? configuration : TestServer.DRIVEN_BY_HAND.andThen(configuration);
    Deque<AutoCloseable> opened = new ArrayDeque<>();
    try {
      server = TestServer.start(postgres, timing, config);
      opened.push(server);
      world = new World(server);
      if (classMock) {
        mock = MockOAuth2Provider.start();
        opened.push(mock);
      }
      if (classProvider) {
        provider = newProvider();
        opened.push(provider);
      }
      if (classInstagram) {
        instagram =
            time == null ? FakeInstagram.start() : FakeInstagram.start(time.clock()::instant);
        opened.push(instagram);
      }
      Clock upstreamClock = time == null ? Clock.systemUTC() : time.clock();
      if (classUpstream) {
        upstream = Upstream.start(upstreamClock);
        opened.push(upstream);
      }
      if (classTlsUpstream) {
        tlsUpstream = Upstream.startTls(upstreamClock);
        opened.push(tlsUpstream);
      }
      if (classTenancyLabel != null) {
        tenancy = world.tenancy(classTenancyLabel);
      }
      if (workspaceLabel != null) {
        executorWorkspace = ExecutorWorkspace.create(server, provider, workspaceLabel);
      }
    } catch (RuntimeException | Error e) {
      closeAll(opened, e);
      clear();
      throw e;
    }
  }

  private ManualTime manual() {
    time = new ManualTime(Instant.now().truncatedTo(startOfTime));
    return time;
  }

  private FakeOAuthProvider newProvider() {
    FakeOAuthProvider p = FakeOAuthProvider.start();
    return time == null ? p : p.clock(time.clock()::instant);
  }

  /** What the upstreams received and the sleeps recorded so far belong to earlier tests. */
  private synchronized void forgetTheLastTest() {
    if (upstream != null) {
      upstream.clear();
    }
    if (tlsUpstream != null) {
      tlsUpstream.clear();
    }
    if (time != null) {
      time.clearSleeps();
    }
  }

  private synchronized void closeTestResources() {
    Deque<AutoCloseable> toClose = new ArrayDeque<>();
    if (testsProvider != null) {
      toClose.push(testsProvider);
    }
    if (testsTenancy != null) {
      WorkspaceApi asAdmin = new WorkspaceApi(server.admin(), testsTenancy.workspace());
      toClose.push(asAdmin::deleteAllCredentials);
    }
    testsProvider = null;
    testsTenancy = null;
    closeAll(toClose, null);
  }

  private synchronized void stop() {
    Deque<AutoCloseable> toClose = new ArrayDeque<>();
    for (AutoCloseable c :
        new AutoCloseable[] {server, mock, provider, instagram, upstream, tlsUpstream}) {
      if (c != null) {
        toClose.push(c);
      }
    }
    clear();
    closeAll(toClose, null);
  }

  private void clear() {
    server = null;
    world = null;
    time = null;
    timing = null;
    mock = null;
    provider = null;
    instagram = null;
    tenancy = null;
    upstream = null;
    tlsUpstream = null;
    executorWorkspace = null;
    serverPerTest = false;
  }

  /** Closes in order (last opened first), every one even when one fails; rethrows the first. */
  private static void closeAll(Deque<AutoCloseable> closeables, Throwable primary) {
    Throwable failure = primary;
    while (!closeables.isEmpty()) {
      try {
        closeables.pop().close();
      } catch (Exception | Error e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null && primary == null) {
      if (failure instanceof RuntimeException r) {
        throw r;
      }
      if (failure instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(failure);
    }
  }

  // ---- what tests use ----

  public synchronized TestServer server() {
    return required(server, "the server", "register the extension on a field");
  }

  /** The global admin. */
  public Api admin() {
    return server().admin();
  }

  public synchronized World world() {
    return required(world, "the world", "register the extension on a field");
  }

  /** The manual time of a {@link #manualTime()} or {@link #settableClock()} class. */
  public synchronized ManualTime time() {
    return required(time, "manual time", "declare manualTime() or settableClock()");
  }

  /** The clock of {@link #time()}. */
  public SettableClock clock() {
    return time().clock();
  }

  /**
   * Stops the server and starts it again on the same data and time (see {@link
   * TestServer#restart}): from now on {@link #server()} and {@link #member()} are the new
   * process's. Returns the new server.
   */
  public synchronized TestServer restart() {
    server = server().restart(timing);
    world = new World(server);
    return server;
  }

  /** Runs every refresh due by the server's clock and returns when they finished. */
  public int runDueRefreshes() {
    return server().runDueRefreshes();
  }

  /** The class's provider, or (with {@link #fakeOAuthProviderPerTest()}) this test's. */
  public synchronized FakeOAuthProvider provider() {
    if (testProvider) {
      server();
      if (testsProvider == null) {
        testsProvider = newProvider();
      }
      return testsProvider;
    }
    return required(provider, "a fake OAuth provider", "declare fakeOAuthProvider()");
  }

  public synchronized FakeInstagram instagram() {
    return required(instagram, "a fake Instagram", "declare fakeInstagram()");
  }

  public synchronized MockOAuth2Provider mockOAuth2() {
    return required(mock, "a mock OAuth2 server", "declare mockOAuth2Provider()");
  }

  /** The class's tenancy, or (with {@link #tenancyPerTest(String)}) this test's. */
  public synchronized World.Tenancy tenancy() {
    if (testTenancyLabel != null) {
      World w = world();
      if (testsTenancy == null) {
        testsTenancy =
            w.tenancy(testTenancyLabel + "-" + UUID.randomUUID().toString().substring(0, 8));
      }
      return testsTenancy;
    }
    return required(tenancy, "a tenancy", "declare tenancy(label) or tenancyPerTest(label)");
  }

  /** The plain HTTP upstream of {@link #upstreamServer()}. */
  public synchronized Upstream upstream() {
    return required(upstream, "an upstream", "declare upstreamServer()");
  }

  /** The HTTPS upstream of {@link #tlsUpstreamServer()}. */
  public synchronized Upstream tlsUpstream() {
    return required(tlsUpstream, "a TLS upstream", "declare tlsUpstreamServer()");
  }

  /** The workspace of {@link #executorWorkspace(String)}. */
  public synchronized ExecutorWorkspace executorWorkspace() {
    return required(executorWorkspace, "an executor workspace", "declare executorWorkspace(label)");
  }

  /** The credentials and events of {@link #tenancy()}'s workspace, as its member. */
  public WorkspaceApi member() {
    return tenancy().member(server());
  }

  /**
   * An {@code oauth2} auth-client at {@link #provider()} (client authentication {@code basic}) for
   * {@link #tenancy()}'s REST API V2 component, owned by its tenant, with {@code settings} on top;
   * returns its id.
   */
  public String oauth2Client(Map<String, ?> settings) {
    return AuthClients.oauth2()
        .at(provider())
        .clientAuth("basic")
        .credentials(settings)
        .in(tenancy())
        .create(admin());
  }

  /** {@link #oauth2Client(Map)} with nothing on top. */
  public String oauth2Client() {
    return oauth2Client(Map.of());
  }

  /**
   * An {@code oauth2_instagram} auth-client at {@code instagram} for a new Instagram component of
   * {@link #tenancy()}'s tenant, owned by it; returns its id.
   */
  public String instagramClient(FakeInstagram instagram) {
    String tenant = tenancy().tenant();
    String component = Components.instagram().tenant(tenant).create(admin());
    return AuthClients.instagram()
        .at(instagram)
        .tenant(tenant)
        .components(component)
        .create(admin());
  }

  private static <T> T required(T value, String what, String how) {
    if (value == null) {
      throw new IllegalStateException(
          what + " is not there: " + how + " (and ask within the extension's lifetime)");
    }
    return value;
  }

  // ---- parameters ----

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return resolvable(type) != null;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return resolvable(parameter.getParameter().getType()).get();
  }

  private synchronized Supplier<?> resolvable(Class<?> type) {
    if (type == TestServer.class) {
      return this::server;
    } else if (type == World.class) {
      return this::world;
    } else if (type == ManualTime.class && clocks != Clocks.SYSTEM) {
      return this::time;
    } else if (type == SettableClock.class && clocks != Clocks.SYSTEM) {
      return this::clock;
    } else if (type == FakeOAuthProvider.class && (classProvider || testProvider)) {
      return this::provider;
    } else if (type == FakeInstagram.class && classInstagram) {
      return this::instagram;
    } else if (type == MockOAuth2Provider.class && classMock) {
      return this::mockOAuth2;
    } else if (type == World.Tenancy.class
        && (classTenancyLabel != null || testTenancyLabel != null)) {
      return this::tenancy;
    } else if (type == WorkspaceApi.class
        && (classTenancyLabel != null || testTenancyLabel != null)) {
      return this::member;
    } else if (type == Upstream.class && classUpstream) {
      return this::upstream;
    } else if (type == ExecutorWorkspace.class && workspaceLabel != null) {
      return this::executorWorkspace;
    }
    return null;
  }
}
