package io.credflow.audit;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One audited act: when, who ({@link Actor}), what ({@code action} on a {@link Subject}), where in
 * the tree ({@link Place}), from where and why ({@link Origin}), and a few words of detail (ids,
 * outcomes, never a secret). {@code uses} counts the requests of one minute when they are audited
 * together ({@code credential.request}); 1 otherwise.
 */
public record AuditRecord(
    Instant at,
    Actor actor,
    String action,
    Subject subject,
    Place place,
    Origin origin,
    Map<String, String> detail,
    long uses) {

  public AuditRecord {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(place, "place");
    Objects.requireNonNull(origin, "origin");
    // Sorted, so that a record reads (and compares) the same however its detail was built.
    detail = java.util.Collections.unmodifiableMap(new TreeMap<>(detail));
    if (uses < 1) {
      throw new IllegalArgumentException("an audit record counts at least one use, was " + uses);
    }
  }

  /** A single act with no detail. */
  public static AuditRecord of(
      Instant at, Actor actor, String action, Subject subject, Place place, Origin origin) {
    return new AuditRecord(at, actor, action, subject, place, origin, Map.of(), 1);
  }

  /** This record with {@code key = value} added to its detail. */
  public AuditRecord with(String key, String value) {
    Map<String, String> more = new TreeMap<>(detail);
    more.put(key, value);
    return new AuditRecord(at, actor, action, subject, place, origin, more, uses);
  }

  /** This record counting {@code n} uses. */
  public AuditRecord withUses(long n) {
    return new AuditRecord(at, actor, action, subject, place, origin, detail, n);
  }

  /** The id of the user behind the actor, when there is one. */
  public Optional<String> userId() {
    return actor.userId();
  }
}
