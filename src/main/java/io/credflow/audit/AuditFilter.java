package io.credflow.audit;

import java.time.Instant;
import java.util.Optional;

/**
 * Which records to list: each given criterion must hold. {@code actor} matches the actor's id or
 * its user's id (a user's acts through any of its keys); {@code subject} a subject id; {@code
 * action} an action exactly; {@code since} inclusive and {@code until} exclusive.
 */
public record AuditFilter(
    Optional<String> workspaceId,
    Optional<String> actor,
    Optional<String> subject,
    Optional<String> action,
    Optional<Instant> since,
    Optional<Instant> until) {
  public static final AuditFilter ALL =
      new AuditFilter(
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty());
}
