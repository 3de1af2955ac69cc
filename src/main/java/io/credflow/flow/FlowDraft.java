package io.credflow.flow;

import java.time.Instant;
import java.util.Objects;

/**
 * A flow's draft: the trigger and steps being designed, started from version {@code baseVersion}.
 * Runs never see it; publishing makes it the flow's next version.
 */
public record FlowDraft(
    String flowId, int baseVersion, FlowDefinition definition, Instant savedAt, String savedBy) {
  public FlowDraft {
    Objects.requireNonNull(definition, "definition");
  }
}
