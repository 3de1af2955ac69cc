package io.credflow.component;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated {@code component.json}: the auth-client types it accepts (in its order), its view
 * class, the OAuth2 scopes of its credentials, and the whole document as it was sent.
 */
public record Descriptor(
    List<AuthClientType> authClientTypes,
    Optional<ViewClass> viewClass,
    List<String> scopes,
    Map<String, Object> document) {
  public Descriptor {
    authClientTypes = List.copyOf(authClientTypes);
    scopes = List.copyOf(scopes);
  }

  public boolean accepts(AuthClientType type) {
    return authClientTypes.contains(type);
  }
}
