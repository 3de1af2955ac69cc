package io.credflow.console.view;

import java.util.List;
import java.util.Optional;

/**
 * A credential's page: its row, the authorization it produces (masked), its scopes and refresh
 * token, the last verification, the flows using it, its events and the audit of its releases; what
 * the last action said ({@code outcome}), or why it was refused ({@code problem}); when its refresh
 * token and its auth-client's client secret expire, where known.
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
    List<FlowUse> flows,
    Optional<String> outcome,
    Optional<String> problem,
    Optional<String> refreshTokenExpires,
    Optional<String> clientSecretExpires) {
  public CredentialPage {
    events = List.copyOf(events);
    audit = List.copyOf(audit);
    flows = List.copyOf(flows);
  }

  /** A flow whose steps (or poll trigger) use the credential: its name, status and page. */
  public record FlowUse(String name, String status, String href) {}

  /** One entry of a history: when, what, and the detail. */
  public record Line(String at, String what, String detail) {}
}
