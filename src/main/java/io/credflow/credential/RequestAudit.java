package io.credflow.credential;

import io.credflow.audit.Actions;
import io.credflow.audit.Actor;
import io.credflow.audit.AuditRecord;
import io.credflow.audit.AuditTrail;
import io.credflow.audit.Origin;
import io.credflow.audit.Place;
import io.credflow.audit.Subject;
import io.credflow.tenancy.Caller;
import io.credflow.tenancy.Workspace;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The audit of the requests Credflow sends with a credential's secret ({@code POST …/requests}):
 * every use is counted in memory, by credential, caller (its actor and origin) and minute of the
 * injected clock, and each count goes to the {@link AuditTrail} as one record ({@value #ACTION},
 * with its {@code uses}) once its minute is over. Counting is a map update, cheap enough for the
 * executor's hot path; the writes happen on a background thread every {@link #FLUSH_EVERY}, and
 * whatever is left when the process closes. A process that dies loses at most the counts not yet
 * written (the current minute and the last {@link #FLUSH_EVERY}).
 */
public final class RequestAudit implements AutoCloseable {
  /** The audit action of request uses. */
  public static final String ACTION = Actions.CREDENTIAL_REQUEST;

  /** How often finished minutes are written. */
  public static final Duration FLUSH_EVERY = Duration.ofSeconds(10);

  private static final String REASON = "requests sent by Credflow with the credential";

  private record Key(
      long minute, Actor actor, Place workspace, String credentialId, Origin origin) {
    String workspaceId() {
      return workspace.workspaceId().orElse("");
    }

    String actorId() {
      return actor.id();
    }
  }

  private static final Comparator<Key> WRITE_ORDER =
      Comparator.comparingLong(Key::minute)
          .thenComparing(Key::workspaceId)
          .thenComparing(Key::credentialId)
          .thenComparing(Key::actorId);

  private final AuditTrail audit;
  private final Clock clock;
  // Every request of a busy credential counts under the same key: an adder per key keeps them
  // from queueing on one map bin.
  private final ConcurrentHashMap<Key, LongAdder> counts = new ConcurrentHashMap<>();
  private final ScheduledExecutorService flusher;

  private RequestAudit(AuditTrail audit, Clock clock) {
    this.audit = audit;
    this.clock = clock;
    this.flusher =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("credflow-request-audit").factory());
  }

  /** Counts uses into {@code audit} and writes finished minutes every {@link #FLUSH_EVERY}. */
  public static RequestAudit start(AuditTrail audit, Clock clock) {
    RequestAudit made = new RequestAudit(audit, clock);
    long every = FLUSH_EVERY.toMillis();
    made.flusher.scheduleWithFixedDelay(made::flushFinished, every, every, TimeUnit.MILLISECONDS);
    return made;
  }

  /** One request by {@code caller} in {@code ws} with {@code credentialId}. */
  void count(Caller caller, Workspace ws, String credentialId) {
    long minute = Math.floorDiv(clock.millis(), 60_000L);
    Key key =
        new Key(
            minute,
            caller.actor(),
            Place.of(ws.location().path()),
            credentialId,
            caller.origin().orReason(REASON));
    counts.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  /** Writes every count, the current minute's too. */
  public void flush() {
    write(Long.MAX_VALUE);
  }

  private void flushFinished() {
    try {
      write(Math.floorDiv(clock.millis(), 60_000L));
    } catch (RuntimeException e) {
      // The counts went back to the map; the next flush tries again.
    }
  }

  /**
   * Writes the counts of minutes before {@code before}, oldest minute first, so the audit trail
   * reads in time order; a failed write keeps its count.
   */
  private void write(long before) {
    List<Key> due =
        counts.keySet().stream().filter(k -> k.minute() < before).sorted(WRITE_ORDER).toList();
    for (Key key : due) {
      if (key.minute() >= before) {
        continue;
      }
      LongAdder adder = counts.remove(key);
      if (adder == null) {
        continue;
      }
      // A count that raced the removal lands in the removed adder; it is read after the removal.
      long uses = adder.sum();
      try {
        audit.record(
            AuditRecord.of(
                    Instant.ofEpochMilli(key.minute() * 60_000L),
                    key.actor(),
                    ACTION,
                    Subject.of(Subject.CREDENTIAL, key.credentialId()),
                    key.workspace(),
                    key.origin())
                .withUses(uses));
      } catch (RuntimeException e) {
        counts.computeIfAbsent(key, k -> new LongAdder()).add(uses);
        throw e;
      }
    }
  }

  /** Stops the background writes and writes what is left. */
  @Override
  public void close() {
    flusher.shutdownNow();
    try {
      flusher.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flush();
  }
}
