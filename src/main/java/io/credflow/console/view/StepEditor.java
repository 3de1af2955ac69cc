package io.credflow.console.view;

import java.util.List;
import java.util.Optional;

/**
 * The step editor, in the seed's numbered sections: 1 Component (the REST API V2 copies the
 * workspace can use), 2 Function, 3 Credentials (searchable, each with its state; "+" opens the
 * credential form inline), 4 Configuration. With {@code poll}, it edits the flow's poll trigger:
 * the same request on a schedule.
 */
public record StepEditor(
    String flowHref,
    String base,
    Optional<String> stepId,
    boolean poll,
    int number,
    List<Choice> components,
    String componentId,
    String componentName,
    List<CredentialOption> credentials,
    String newCredentialHref,
    List<ConfigField> request,
    List<ConfigField> settings,
    String sample,
    String sampleSource,
    Optional<String> schedule) {
  public StepEditor {
    components = List.copyOf(components);
    credentials = List.copyOf(credentials);
    request = List.copyOf(request);
    settings = List.copyOf(settings);
  }

  /** Where the editor posts: saving, checking as you type, testing. */
  public String action(String what) {
    return flowHref + "/" + (poll ? "trigger/poll" : "steps") + "/" + what;
  }

  /** A credential to choose, with its state; an unusable one cannot be published. */
  public record CredentialOption(
      String id,
      String name,
      String typeLabel,
      String state,
      String stateLabel,
      Optional<String> reason,
      boolean unusable,
      boolean selected,
      String href) {}
}
