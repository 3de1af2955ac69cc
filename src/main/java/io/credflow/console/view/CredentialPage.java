package io.credflow.console.view;

import java.util.List;
import java.util.Optional;

/**
 * A credential's page: its row, the authorization it produces (masked), its scopes and refresh
 * token, the last verification, its events and the audit of its releases.
 */
public record CredentialPage(
    CredentialRow credential,
    String componentId,
    String componentName,
    String authClientId,
    String authClientName,
    String header,
    Optional<String> scope,
    boolean hasRefreshToken,
    boolean oauth,
    Optional<String> verification,
    Optional<Boolean> verificationOk,
    List<Line> events,
    List<Line> audit,
    Optional<String> outcome) {
  public CredentialPage {
    events = List.copyOf(events);
    audit = List.copyOf(audit);
  }

  /** One entry of a history: when, what, and the detail. */
  public record Line(String at, String what, String detail) {}
}
