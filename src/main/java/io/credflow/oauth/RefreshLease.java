package io.credflow.oauth;

import io.credflow.common.ConflictException;
import io.credflow.common.Sleeper;
import io.credflow.credential.Credential;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The cross-process half of "one refresh of a credential at a time": a lease on the credential's
 * schedule row, held by one process while it refreshes. A process that finds the lease taken waits
 * for its holder, reading the credential between waits, and stops waiting as soon as the holder's
 * result makes its own refresh unnecessary. Waits and deadlines run on the injected clock and
 * sleeper.
 */
final class RefreshLease {
  /** The first wait for a lease held elsewhere; each next wait doubles, up to {@link #MAX_STEP}. */
  static final Duration FIRST_STEP = Duration.ofMillis(20);

  static final Duration MAX_STEP = Duration.ofMillis(200);

  private final RefreshSchedule schedule;
  private final String owner;
  private final Duration length;
  private final Clock clock;
  private final Sleeper sleeper;

  RefreshLease(
      RefreshSchedule schedule, String owner, Duration length, Clock clock, Sleeper sleeper) {
    this.schedule = schedule;
    this.owner = owner;
    this.length = length;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /**
   * The scheduler's claim: takes the lease only if the credential is due now and the lease is free,
   * in one atomic step, so the holder needs no second look at the schedule.
   */
  boolean claimIfDue(String id) {
    Instant now = clock.instant();
    return schedule.tryLeaseIfDue(id, owner, now, now.plus(length));
  }

  /** How waiting for the lease ended. */
  sealed interface Acquired {
    /** This process holds the lease now. */
    record Held() implements Acquired {}

    /** The holder's work made ours unnecessary: this is the credential it left. */
    record Settled(Credential current) implements Acquired {}
  }

  /**
   * Takes the lease, waiting while another process holds it. Between waits the credential is read
   * again ({@code reread}); when {@code stillNeeded} says the holder's result serves, waiting stops
   * with that credential. A credential without a schedule row yet gets one first.
   *
   * @throws ConflictException {@code refresh_in_progress} when the lease stays taken for twice its
   *     length (its holder neither finished nor let it expire)
   */
  Acquired acquire(String id, Supplier<Credential> reread, Predicate<Credential> stillNeeded) {
    Instant deadline = clock.instant().plus(length.multipliedBy(2));
    Duration step = FIRST_STEP;
    boolean rowChecked = false;
    while (true) {
      Instant now = clock.instant();
      if (schedule.tryLease(id, owner, now, now.plus(length))) {
        return new Acquired.Held();
      }
      if (!rowChecked) {
        rowChecked = true;
        if (schedule.find(id).isEmpty()) {
          // Tokens stored before the schedule existed: make the row, then lease it.
          schedule.schedule(id, Optional.empty(), reread.get().updatedAt());
          continue;
        }
      }
      pause(step);
      step = step.multipliedBy(2).compareTo(MAX_STEP) > 0 ? MAX_STEP : step.multipliedBy(2);
      Credential current = reread.get();
      if (!stillNeeded.test(current)) {
        return new Acquired.Settled(current);
      }
      if (clock.instant().isAfter(deadline)) {
        throw new ConflictException(
            "refresh_in_progress",
            "credential " + id + " is being refreshed by another process; try again shortly");
      }
    }
  }

  /** Gives the lease back, if this process still holds it. */
  void release(String id) {
    schedule.release(id, owner);
  }

  /**
   * After a refresh stored new tokens: the next refresh time, failures reset, and the lease given
   * back, in one write.
   */
  void refreshed(String id, Optional<Instant> next, Instant tokenIssuedAt) {
    schedule.refreshed(id, owner, next, tokenIssuedAt);
  }

  private void pause(Duration step) {
    try {
      sleeper.sleep(step);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConflictException("interrupted", "the refresh wait was interrupted");
    }
  }
}
