package io.credflow.console.view;

import java.util.List;

/** A component in the Credentials grid: its name, the types it accepts, its credentials here. */
public record ComponentCard(String id, String name, List<String> types, int credentials) {
  public ComponentCard {
    types = List.copyOf(types);
  }
}
