package io.credflow.console.view;

import java.util.Optional;

/** A run in a flow's list of runs: how it started, where it is, and why it failed. */
public record RunRow(
    String id,
    String status,
    String trigger,
    int version,
    String startedAt,
    Optional<String> finishedAt,
    Optional<String> error,
    String href) {}
