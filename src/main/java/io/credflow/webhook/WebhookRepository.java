package io.credflow.webhook;

import io.credflow.common.Secret;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Storage of subscriptions (their secrets encrypted by the store), deliveries and attempts. A
 * delivery's scheduler task is written in the same transaction as the delivery state that calls for
 * it.
 */
public interface WebhookRepository {
  void insert(Webhook webhook, Secret secret);

  Optional<Webhook> find(String id);

  /** The subscription's signing secret, decrypted. */
  Optional<Secret> secret(String id);

  /** A workspace's subscriptions after {@code after} (seq), oldest first. */
  List<Webhook> list(String workspaceId, long after, int limit);

  /** A workspace's active subscriptions. */
  List<Webhook> active(String workspaceId);

  /** Writes {@code webhook}'s url, types and active flag, and the new secret when given. */
  boolean update(Webhook webhook, Optional<Secret> newSecret);

  boolean delete(String id);

  /** The name and state of credential {@code id}, for payloads; empty when it is gone. */
  Optional<CredentialFacts> credential(String id);

  /** A credential as payloads name it. */
  record CredentialFacts(String id, String name, String state) {}

  /** Stores a new delivery and its first task, due at {@code delivery.nextAttemptAt()}. */
  void enqueue(Delivery delivery);

  Optional<Delivery> delivery(String id);

  /** A subscription's deliveries before {@code before} (seq; 0 for the newest), newest first. */
  List<Delivery> deliveries(String webhookId, long before, int limit);

  /** The newest delivery of each of {@code webhookIds} that has one. */
  Map<String, Delivery> latest(List<String> webhookIds);

  /** The attempts of each delivery, in order. */
  Map<String, List<Attempt>> attempts(List<String> deliveryIds);

  /** What an attempt leads to. */
  sealed interface Next {
    /** Answered with a 2xx. */
    record Delivered(Instant at) implements Next {}

    /** Tried again at {@code at}: the next dispatch's task is written. */
    record Retry(Instant at, String error) implements Next {}

    /** Given up. */
    record Failed(String error) implements Next {}
  }

  /**
   * Records {@code attempt} of {@code delivery}, and moves the delivery on as {@code next} says
   * (with the next task for a retry) if it is still pending at the same dispatch: all in one
   * transaction. The attempt is recorded either way; false when the delivery had moved on.
   */
  boolean recordAttempt(Delivery delivery, Attempt attempt, Next next);

  /**
   * Makes the delivery pending again at its next dispatch, due at {@code at}, with that dispatch's
   * task; false when it changed meanwhile.
   */
  boolean redispatch(Delivery delivery, Instant at);
}
