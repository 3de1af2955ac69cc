package io.credflow.testing;

import io.credflow.Config;
import io.credflow.Credflow;
import io.credflow.common.Timing;
import io.credflow.credential.CredentialSecrets;
import io.credflow.oauth.RefreshSchedule;
import io.credflow.store.JdbcRefreshSchedule;
import io.credflow.tenancy.Caller;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A real Credflow server on a free port with its own H2 file database (or a fresh PostgreSQL
 * database) and keyset, torn down by {@link #close()}.
 *
 * <p>A server started with {@link #DRIVEN_BY_HAND} (every server on a {@link SettableClock}) runs
 * no background refresh poller: nothing is refreshed on schedule until the test calls {@link
 * #runDueRefreshes()}, the way db-scheduler's {@code ManualScheduler} runs due executions only when
 * told to. So no poller races the clock moves of a test, and nothing has to be waited for.
 */
public final class TestServer implements AutoCloseable {
  /** The bootstrap global admin's API key in every test server. */
  public static final String ADMIN_KEY = "test-admin-key-0123456789abcdef";

  /**
   * A configuration change for servers whose due refreshes run only by {@link #runDueRefreshes}.
   */
  public static final Consumer<Config.Builder> DRIVEN_BY_HAND = c -> c.refreshPoller(false);

  private final Credflow credflow;
  private final Path dataDir;
  private final String pgUrl;
  private final Api admin;

  private TestServer(Credflow credflow, Path dataDir, String pgUrl) {
    this.credflow = credflow;
    this.dataDir = dataDir;
    this.pgUrl = pgUrl;
    this.admin = new Api(baseUrl(), ADMIN_KEY);
  }

  /** A server on H2 in a temporary directory. */
  public static TestServer h2() {
    return start(false, Clock.systemUTC());
  }

  /** A server on a fresh PostgreSQL database. */
  public static TestServer postgres() {
    return start(true, Clock.systemUTC());
  }

  public static TestServer start(boolean postgres, Clock clock) {
    return start(postgres, clock, config -> {});
  }

  /**
   * A server configured as {@link #start(boolean, Clock)} and then by {@code customize}: e.g.
   * {@code c -> c.allowPrivateNetwork(false).hostResolver(names)} for a server whose outbound calls
   * are guarded as in production, with test names resolved by {@code names}.
   */
  public static TestServer start(
      boolean postgres, Clock clock, Consumer<Config.Builder> customize) {
    return start(postgres, Timing.of(clock), customize);
  }

  /**
   * A server whose clock, waits and jitter come from {@code timing} (e.g. {@link
   * ManualTime#timing()}, so that retries and backoff move a clock instead of sleeping). On a
   * {@link SettableClock} it is {@link #DRIVEN_BY_HAND}: a test that moves the clock runs due
   * refreshes itself, and a poller waiting through a sleeper that moves the clock would move it on
   * its own ({@code customize} may still turn the poller on).
   */
  public static TestServer start(
      boolean postgres, Timing timing, Consumer<Config.Builder> customize) {
    Path dir;
    try {
      dir = Files.createTempDirectory("credflow-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String pg = postgres ? PostgresDatabases.create() : null;
    Config.Builder config =
        Config.builder()
            .port("0")
            .dataDir(dir.toString())
            .adminApiKey(ADMIN_KEY)
            .allowPrivateNetwork(true);
    if (pg != null) {
      config.dbUrl(pg).dbUser(PostgresDatabases.USER);
    }
    if (timing.clock() instanceof SettableClock) {
      DRIVEN_BY_HAND.accept(config);
    }
    customize.accept(config);
    return new TestServer(Credflow.start(config.build(), timing), dir, pg);
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + credflow.port();
  }

  /** A client acting as the global admin. */
  public Api admin() {
    return admin;
  }

  /** A client acting with {@code apiKey}. */
  public Api as(String apiKey) {
    return new Api(baseUrl(), apiKey);
  }

  public Credflow credflow() {
    return credflow;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Where this server's OAuth2 callbacks land: the {@code redirect_uri} it sends providers. */
  public String callbackUri() {
    return "http://localhost:" + credflow.port() + "/callback/oauth2";
  }

  /**
   * Stops this server's process and starts a new one on the same data directory (and PostgreSQL
   * database) with {@code clock}, as a restart of the service would: the keyset, the credentials
   * and the refresh schedule carry over; the port changes. The returned server owns the data from
   * now on: close it, and never close (or use) this one again.
   */
  public TestServer restart(Clock clock) {
    return restart(Timing.of(clock));
  }

  /** {@link #restart(Clock)} with {@code timing}'s clock, waits and jitter. */
  public TestServer restart(Timing timing) {
    credflow.close();
    return new TestServer(Credflow.start(credflow.config(), timing), dataDir, pgUrl);
  }

  /** Whether due refreshes run only when a test calls {@link #runDueRefreshes()}. */
  public boolean drivenByHand() {
    return !credflow.config().refreshPoller();
  }

  /**
   * Runs every refresh due by this server's clock and returns when all of them finished; returns
   * how many ran. Only for a server {@link #DRIVEN_BY_HAND}: nothing else takes due refreshes, so
   * one pass of the scheduler is all there is.
   */
  public int runDueRefreshes() {
    if (!drivenByHand()) {
      throw new IllegalStateException(
          "this server's refresh poller runs in the background; start it with"
              + " TestServer.DRIVEN_BY_HAND to run due refreshes by hand");
    }
    try {
      return credflow.services().scheduler().runDueNow();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running due refreshes", e);
    }
  }

  /**
   * Runs every refresh due by {@code clock} and waits until none is due or in flight any more. On a
   * server {@link #DRIVEN_BY_HAND} that is {@link #runDueRefreshes()}. Otherwise the scheduler's
   * own poller (every second, by real time) may take a due credential before {@code runDueNow()}
   * does, which then skips it without waiting; this polls (bounded) until those finished too, so a
   * test that moved the clock sees every due refresh finished.
   */
  public void runDueRefreshes(Clock clock) {
    if (drivenByHand()) {
      runDueRefreshes();
      return;
    }
    RefreshSchedule schedule = new JdbcRefreshSchedule(credflow.database().jdbc());
    var services = credflow.services();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try {
      services.scheduler().runDueNow();
      while (!schedule.due(clock.instant(), 1).isEmpty() || services.refresher().inFlight() > 0) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "refreshes still due or running after 30 s: " + schedule.due(clock.instant(), 10));
        }
        Thread.sleep(10);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for due refreshes", e);
    }
  }

  /** Credential {@code id}'s refresh schedule as stored (failing when it has none). */
  public RefreshSchedule.Entry schedule(String credentialId) {
    return new JdbcRefreshSchedule(credflow.database().jdbc())
        .find(credentialId)
        .orElseThrow(() -> new AssertionError("no schedule for credential " + credentialId));
  }

  /**
   * The tokens credential {@code credential} stores, read in-process as user {@code userId} of
   * {@code workspace} would get them: to know a secret that no response may carry.
   */
  public CredentialSecrets.Tokens storedTokens(String userId, String workspace, String credential) {
    var services = credflow.services();
    Caller caller = services.tenancy().callerFor(userId).orElseThrow();
    return (CredentialSecrets.Tokens)
        services.credentials().get(caller, workspace, credential).credential().secrets();
  }

  @Override
  public void close() {
    credflow.close();
    if (pgUrl != null) {
      PostgresDatabases.drop(pgUrl);
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
