package io.credflow.oauth;

import io.credflow.common.Sleeper;
import io.credflow.common.Timing;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proactive refresh: polls the shared schedule for due credentials and refreshes them on
 * virtual threads, at most {@code concurrency} at once. Every process on one database runs one; the
 * lease in {@link RefreshSchedule} keeps them from refreshing the same credential twice. Its waits
 * go through the injected sleeper: a process whose time is driven by hand (tests) does not start
 * the poller and calls {@link #runDueNow()} instead.
 */
public final class RefreshScheduler implements AutoCloseable {
  public static final Duration DEFAULT_POLL = Duration.ofSeconds(1);
  public static final int DEFAULT_CONCURRENCY = 64;
  public static final int DEFAULT_BATCH = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(RefreshScheduler.class);

  private final RefreshSchedule schedule;
  private final RefreshService refresher;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration poll;
  private final int batch;
  private final Semaphore permits;
  private final ExecutorService workers;
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  private volatile Thread poller;
  private volatile boolean running;

  public RefreshScheduler(
      RefreshSchedule schedule,
      RefreshService refresher,
      Timing timing,
      Duration poll,
      int concurrency,
      int batch) {
    if (poll.isNegative() || poll.isZero() || concurrency < 1 || batch < 1) {
      throw new IllegalArgumentException("poll > 0, concurrency >= 1 and batch >= 1 are required");
    }
    this.schedule = schedule;
    this.refresher = refresher;
    this.clock = timing.clock();
    this.sleeper = timing.sleeper();
    this.poll = poll;
    this.batch = batch;
    this.permits = new Semaphore(concurrency);
    // As many virtual threads as refreshes may run, kept between refreshes: Tink's ciphers and
    // random sources live in thread locals, which a fresh thread per refresh would build anew for
    // every one (a tenth of a refresh's CPU in a storm).
    this.workers =
        Executors.newFixedThreadPool(
            concurrency, Thread.ofVirtual().name("credflow-refresh-", 0).factory());
  }

  /** Starts polling in the background. */
  public RefreshScheduler start() {
    running = true;
    poller = Thread.ofPlatform().daemon().name("credflow-refresh-poller").start(this::loop);
    return this;
  }

  private void loop() {
    while (running) {
      try {
        Instant began = clock.instant();
        Polled polled = pollOnce();
        Duration wait =
            waitAfter(polled.found(), polled.started().size(), batch, poll, elapsed(began));
        if (wait.isPositive()) {
          sleeper.sleep(wait);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.warn("refresh poll failed: {}", e.getMessage());
        try {
          sleeper.sleep(poll);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private Duration elapsed(Instant since) {
    return Duration.between(since, clock.instant());
  }

  /**
   * How long the poller waits after a poll that found {@code found} due rows (at most {@code
   * batch}), started {@code started} refreshes and took {@code spent}. A full batch means more may
   * be due already: poll again at once, so a backlog is worked off at the speed of the refreshes,
   * not one batch a poll. Found, not started, decides: a row whose refresh was submitted but has
   * not claimed its lease yet is found again and skipped, and must not make a backlog wait a whole
   * poll; only a poll that started nothing does. Otherwise polls keep their cadence: the time spent
   * submitting counts towards the wait.
   */
  static Duration waitAfter(int found, int started, int batch, Duration poll, Duration spent) {
    if (started == 0) {
      return poll;
    }
    if (found >= batch) {
      return Duration.ZERO;
    }
    Duration rest = poll.minus(spent);
    return rest.isNegative() ? Duration.ZERO : rest;
  }

  /** Submits every credential due now; returns the futures of the refreshes it started. */
  public List<Future<?>> submitDue() throws InterruptedException {
    return pollOnce().started();
  }

  /** One poll: how many due rows it found, and the refreshes it started for them. */
  private record Polled(int found, List<Future<?>> started) {}

  private Polled pollOnce() throws InterruptedException {
    List<Future<?>> started = new ArrayList<>();
    List<String> due = schedule.due(clock.instant(), batch);
    for (String id : due) {
      if (!queued.add(id)) {
        continue;
      }
      permits.acquire();
      started.add(
          workers.submit(
              () -> {
                try {
                  refresher.refresh(id, new RefreshService.Trigger.Scheduled());
                } catch (RuntimeException e) {
                  LOG.warn("scheduled refresh of credential {} failed: {}", id, e.getMessage());
                } finally {
                  queued.remove(id);
                  permits.release();
                }
              }));
    }
    return new Polled(due.size(), started);
  }

  /** Refreshes everything due now and waits for it: for tests that move a clock. */
  public int runDueNow() throws InterruptedException {
    List<Future<?>> started = submitDue();
    for (Future<?> f : started) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        LOG.warn("scheduled refresh failed: {}", e.getCause().getMessage());
      }
    }
    return started.size();
  }

  /**
   * The first step of a stop: no new scheduled refresh starts in this process (the other processes
   * on the database take the due ones); the refreshes in flight go on.
   */
  public void stopPolling() {
    running = false;
    Thread t = poller;
    if (t != null) {
      t.interrupt();
    }
  }

  /**
   * Stops polling and waits up to {@code wait} for the refreshes in flight, which give their leases
   * back as they end. A refresh is never interrupted: one cut between the provider's answer and the
   * write of the new tokens would lose a rotated refresh token.
   *
   * @return whether every refresh in flight ended within {@code wait}
   */
  public boolean close(Duration wait) {
    stopPolling();
    workers.shutdown();
    try {
      return workers.awaitTermination(Math.max(0, wait.toMillis()), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** {@link #close(Duration)} with a wait of 5 s. */
  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
