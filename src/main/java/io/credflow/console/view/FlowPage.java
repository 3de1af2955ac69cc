package io.credflow.console.view;

import java.util.List;
import java.util.Optional;

/**
 * A flow's page, the designer's overview: its status and version, the draft being designed (when
 * there is one, the trigger and steps shown are the draft's), its trigger (the webhook URL to copy,
 * never its secret; a schedule in words), its steps with each credential's state and their editor,
 * its recent runs, and what the last action said.
 */
public record FlowPage(
    FlowRow flow,
    Optional<DraftView> draft,
    String triggerType,
    String triggerLabel,
    Optional<String> webhookUrl,
    boolean signed,
    Optional<String> schedule,
    List<StepRow> steps,
    boolean unpublishable,
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
      boolean unusable,
      String editHref,
      boolean first,
      boolean last) {}
}
