package io.credflow.flow;

import java.time.Instant;
import java.util.Objects;

/**
 * A flow as stored: its current version's definition, its status, and the unguessable id of its
 * webhook URL. {@code revision} changes with every write (compare-and-set); {@code version} only
 * when the trigger or steps change, and runs keep the version they started with. {@code runAs} is
 * the user whose rights the steps run with: whoever saved the flow last.
 */
public record Flow(
    String id,
    long seq,
    String workspaceId,
    String name,
    FlowStatus status,
    int version,
    FlowDefinition definition,
    String hookId,
    boolean signed,
    String runAs,
    long revision,
    Instant createdAt,
    Instant updatedAt) {
  public Flow {
    Objects.requireNonNull(definition, "definition");
  }

  public Flow withName(String newName) {
    return new Flow(
        id,
        seq,
        workspaceId,
        newName,
        status,
        version,
        definition,
        hookId,
        signed,
        runAs,
        revision,
        createdAt,
        updatedAt);
  }

  public Flow withStatus(FlowStatus newStatus) {
    return new Flow(
        id,
        seq,
        workspaceId,
        name,
        newStatus,
        version,
        definition,
        hookId,
        signed,
        runAs,
        revision,
        createdAt,
        updatedAt);
  }
}
