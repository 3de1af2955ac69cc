package io.credflow.console.view;

import java.util.List;

/** A component as the Components list shows it. */
public record ComponentRow(
    String id, String name, String deployedAt, List<String> types, String href) {
  public ComponentRow {
    types = List.copyOf(types);
  }
}
