package io.credflow.console.view;

import java.util.List;

/** An auth-client as the Auth clients list shows it. */
public record AuthClientRow(
    String id, String name, String type, String label, List<String> components, String href) {
  public AuthClientRow {
    components = List.copyOf(components);
  }
}
