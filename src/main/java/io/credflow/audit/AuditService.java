package io.credflow.audit;

import io.credflow.common.Page;
import io.credflow.common.PageRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Reading the trail within a reader's scope, and the retention sweep. The reader's scope comes from
 * the tenancy, which knows who administers what.
 */
public final class AuditService {
  /** Records are kept this long unless configured otherwise. */
  public static final int DEFAULT_RETENTION_DAYS = 365;

  /** How often the retention sweep runs. */
  public static final Duration SWEEP_EVERY = Duration.ofHours(1);

  private final AuditRepository repository;
  private final Clock clock;
  private final Optional<Duration> retention;

  /**
   * A trail over {@code repository}, keeping records {@code retentionDays} days (0 keeps them
   * forever).
   */
  public AuditService(AuditRepository repository, Clock clock, int retentionDays) {
    if (retentionDays < 0) {
      throw new IllegalArgumentException(
          "audit retention must be 0 (keep forever) or a number of days, was " + retentionDays);
    }
    this.repository = repository;
    this.clock = clock;
    this.retention =
        retentionDays == 0 ? Optional.empty() : Optional.of(Duration.ofDays(retentionDays));
  }

  /** A page of the records in {@code scope} matching {@code filter}, newest first. */
  public Page<AuditEntry> list(AuditScope scope, AuditFilter filter, PageRequest page) {
    return Page.of(
        repository.list(scope, filter, page, page.size() + 1), page.size(), AuditEntry::seq);
  }

  /**
   * Deletes the records older than the retention; nothing when records are kept forever. Returns
   * how many went.
   */
  public int sweep() {
    if (retention.isEmpty()) {
      return 0;
    }
    Instant cutoff = clock.instant().minus(retention.get());
    return repository.deleteBefore(cutoff);
  }

  /** How long records are kept; empty when forever. */
  public Optional<Duration> retention() {
    return retention;
  }
}
