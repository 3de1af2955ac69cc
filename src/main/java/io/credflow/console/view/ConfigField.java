package io.credflow.console.view;

import java.util.List;

/**
 * A field of the step editor's Configuration: named by its path in the request configuration
 * ({@code reader/url}), with the component's label and help text; {@code kind} is one of {@code
 * EXPRESSION}, {@code EXPRESSION_AREA}, {@code LINES}, {@code TEXT}, {@code NUMBER}, {@code
 * CHECKBOX} and {@code SELECT} (with its {@code options}).
 */
public record ConfigField(
    String name, String label, String help, String kind, List<Choice> options, String placeholder) {
  public ConfigField {
    options = List.copyOf(options);
  }

  public String id() {
    return Form.id(name);
  }

  public boolean is(String k) {
    return kind.equals(k);
  }
}
