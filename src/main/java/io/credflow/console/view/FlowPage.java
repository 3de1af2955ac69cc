package io.credflow.console.view;

import java.util.List;
import java.util.Optional;

/**
 * A flow's page: its status and version, its trigger (the webhook URL to copy, never its secret),
 * its steps with each credential's state, its recent runs, and what the last action said.
 */
public record FlowPage(
    FlowRow flow,
    String triggerLabel,
    Optional<String> webhookUrl,
    boolean signed,
    Optional<String> schedule,
    List<StepRow> steps,
    List<RunRow> runs,
    Optional<String> problem) {
  public FlowPage {
    steps = List.copyOf(steps);
    runs = List.copyOf(runs);
  }

  public boolean active() {
    return flow.status().equals("active");
  }

  /** One step as the flow shows it: its request and its credential's state. */
  public record StepRow(
      int number,
      String id,
      String name,
      String componentName,
      String method,
      String url,
      String errorPolicy,
      Optional<CredentialRow> credential,
      String credentialId,
      boolean unusable) {}
}
