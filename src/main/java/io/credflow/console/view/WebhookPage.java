package io.credflow.console.view;

import java.util.List;
import java.util.Optional;

/**
 * A subscription as the webhooks pages show it: its row, its recent deliveries with their attempts,
 * and the generated secret, present only on the page that answers its creation.
 */
public record WebhookPage(
    Row webhook, List<DeliveryRow> deliveries, Optional<String> secret, boolean httpAllowed) {
  public WebhookPage {
    deliveries = List.copyOf(deliveries);
  }

  /** A subscription in the list: where it sends, what, and how its last delivery went. */
  public record Row(
      String id,
      String url,
      List<String> eventTypes,
      boolean active,
      String createdAt,
      Optional<String> lastAt,
      Optional<String> lastStatus,
      String href) {
    public Row {
      eventTypes = List.copyOf(eventTypes);
    }
  }

  /** A delivery with its attempts; {@code retryHref} sends it again. */
  public record DeliveryRow(
      String id,
      String eventId,
      String eventType,
      String status,
      int attemptCount,
      String createdAt,
      Optional<String> nextAttemptAt,
      Optional<String> lastError,
      List<AttemptRow> attempts,
      String retryHref) {
    public DeliveryRow {
      attempts = List.copyOf(attempts);
    }
  }

  /** One attempt: when, how long, and its answer or why there was none. */
  public record AttemptRow(int number, String at, long durationMs, String outcome) {}
}
