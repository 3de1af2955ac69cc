package io.credflow.console.view;

import java.util.List;

/**
 * The credentials a step may use, by component (an {@code optgroup} each): a step's component is
 * its credential's.
 */
public record CredentialChoice(String componentId, String componentName, List<Choice> credentials) {
  public CredentialChoice {
    credentials = List.copyOf(credentials);
  }
}
