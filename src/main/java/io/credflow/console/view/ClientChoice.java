package io.credflow.console.view;

/**
 * An auth-client to choose, shown so that two can be told apart: its name, level, the end of its
 * client id and its token endpoint's host.
 */
public record ClientChoice(
    String id,
    String name,
    String level,
    String clientIdEnd,
    String tokenHost,
    String type,
    boolean selected) {
  public String label() {
    StringBuilder b = new StringBuilder(name).append(" · ").append(level);
    if (!clientIdEnd.isEmpty()) {
      b.append(" · client …").append(clientIdEnd);
    }
    if (!tokenHost.isEmpty()) {
      b.append(" · ").append(tokenHost);
    }
    return b.toString();
  }
}
