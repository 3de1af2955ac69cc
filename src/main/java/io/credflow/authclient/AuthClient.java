package io.credflow.authclient;

import io.credflow.component.AuthClientType;
import io.credflow.tenancy.Location;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An auth-client: its settings, the components it links, and its owner (a tenant, contract or
 * workspace; empty at component level, where it is visible wherever its components are). Every
 * auth-client belongs to one tenant, the tenant of its components.
 */
public record AuthClient(
    String id,
    String name,
    AuthClientSettings settings,
    Optional<Location> owner,
    String tenantId,
    List<String> componentIds,
    Instant createdAt,
    Instant updatedAt,
    long seq) {
  public AuthClient {
    componentIds = List.copyOf(componentIds);
  }

  public AuthClientType type() {
    return settings.type();
  }

  public AuthClient with(String newName, AuthClientSettings newSettings, List<String> components) {
    return new AuthClient(
        id, newName, newSettings, owner, tenantId, components, createdAt, updatedAt, seq);
  }
}
