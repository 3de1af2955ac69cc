package io.credflow.console.view;

import java.util.Optional;

/**
 * A flow's draft as its page announces it: when it was saved, the version it started from, and
 * whether the flow moved on meanwhile.
 */
public record DraftView(String savedAt, int baseVersion, Optional<Integer> movedTo) {}
