package io.credflow.console.view;

import java.util.Optional;

/**
 * A flow as the flows page lists it: name, status, trigger type, version, and its last run (when it
 * started and how it ended, or that it is still running).
 */
public record FlowRow(
    String id,
    String name,
    String status,
    String trigger,
    int version,
    Optional<String> lastRunAt,
    Optional<String> lastRunStatus,
    Optional<String> lastRunHref,
    String href) {}
