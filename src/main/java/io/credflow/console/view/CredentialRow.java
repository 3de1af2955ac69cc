package io.credflow.console.view;

import java.util.Optional;

/**
 * A credential as lists and its page show it: name, type, state badge (and why), expiry and the
 * last verification. Never a secret.
 */
public record CredentialRow(
    String id,
    String name,
    String type,
    String typeLabel,
    String state,
    String stateLabel,
    Optional<String> reason,
    Optional<String> expires,
    Optional<String> lastVerified,
    String href) {}
