package io.credflow.webhook;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A workspace's subscription: where its events go and which types it wants. The signing secret is
 * not part of it: the store keeps it encrypted and only a delivery reads it.
 */
public record Webhook(
    String id,
    long seq,
    String workspaceId,
    String url,
    List<String> eventTypes,
    boolean active,
    Instant createdAt,
    String createdBy,
    Instant updatedAt) {
  public Webhook {
    Objects.requireNonNull(url, "url");
    eventTypes = List.copyOf(eventTypes);
  }

  public boolean wants(String type) {
    return active && eventTypes.contains(type);
  }

  /** A copy with the changed members, updated at {@code at}. */
  public Webhook with(String newUrl, List<String> newTypes, boolean newActive, Instant at) {
    return new Webhook(id, seq, workspaceId, newUrl, newTypes, newActive, createdAt, createdBy, at);
  }
}
