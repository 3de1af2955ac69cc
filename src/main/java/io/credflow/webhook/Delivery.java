package io.credflow.webhook;

import java.time.Instant;
import java.util.Optional;

/**
 * One event sent to one subscription: the exact body every attempt signs and sends, where it
 * stands, how many attempts it took, and which dispatch of it the scheduler holds (a retry
 * dispatches it again, and a task of an older dispatch records nothing).
 */
public record Delivery(
    String id,
    long seq,
    String webhookId,
    String workspaceId,
    String eventId,
    String eventType,
    String payload,
    DeliveryStatus status,
    int attempts,
    int dispatch,
    Optional<Instant> nextAttemptAt,
    Optional<Integer> lastStatus,
    Optional<String> lastError,
    Instant createdAt,
    Optional<Instant> deliveredAt) {

  /** db-scheduler's task name for deliveries. */
  public static final String TASK = "webhook-delivery";

  /** The task instance of this delivery's current dispatch: {@code delivery/dispatch}. */
  public String instance() {
    return instance(id, dispatch);
  }

  /** The task instance of dispatch {@code dispatch} of delivery {@code deliveryId}. */
  public static String instance(String deliveryId, int dispatch) {
    return deliveryId + "/" + dispatch;
  }

  /** A new delivery of an event, due at once. */
  static Delivery of(
      String id,
      String webhookId,
      String workspaceId,
      String eventId,
      String eventType,
      String payload,
      Instant at) {
    return new Delivery(
        id,
        0,
        webhookId,
        workspaceId,
        eventId,
        eventType,
        payload,
        DeliveryStatus.PENDING,
        0,
        0,
        Optional.of(at),
        Optional.empty(),
        Optional.empty(),
        at,
        Optional.empty());
  }
}
