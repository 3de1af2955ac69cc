package io.credflow.audit;

import io.credflow.common.PageRequest;
import java.time.Instant;
import java.util.List;

/** The stored trail: read newest first and swept; written through {@link AuditTrail}. */
public interface AuditRepository extends AuditTrail {
  /**
   * Up to {@code limit} records in {@code scope} matching {@code filter}, newest first, before the
   * position {@code page.after()} when given.
   */
  List<AuditEntry> list(AuditScope scope, AuditFilter filter, PageRequest page, int limit);

  /** Deletes the records from before {@code cutoff}; returns how many went. */
  int deleteBefore(Instant cutoff);
}
