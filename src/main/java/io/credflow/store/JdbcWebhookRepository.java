package io.credflow.store;

import io.credflow.common.Secret;
import io.credflow.webhook.Attempt;
import io.credflow.webhook.Delivery;
import io.credflow.webhook.DeliveryStatus;
import io.credflow.webhook.Webhook;
import io.credflow.webhook.WebhookRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Event webhooks over JDBC: subscriptions (the signing secret sealed to its row), deliveries and
 * attempts. A delivery's task is written into db-scheduler's table (its documented schema, no task
 * data) in the same transaction as the delivery state that calls for it, as flow steps are.
 */
public final class JdbcWebhookRepository implements WebhookRepository {
  static final String TABLE = "webhooks";
  static final String SECRET = "secret";
  private static final String SECRET_MEMBER = "secret";
  private static final int MAX_ERROR = 2000;

  private static final String WEBHOOK_COLUMNS =
      "SELECT id, seq, workspace_id, url, event_types, active, created_at, created_by, updated_at"
          + " FROM webhooks ";
  private static final String INSERT_WEBHOOK =
      "INSERT INTO webhooks (id, workspace_id, url, event_types, secret, active, created_at,"
          + " created_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String UPDATE_WEBHOOK =
      "UPDATE webhooks SET url = ?, event_types = ?, active = ?, updated_at = ? WHERE id = ?";
  private static final String UPDATE_SECRET = "UPDATE webhooks SET secret = ? WHERE id = ?";
  private static final String DELIVERY_COLUMNS =
      "SELECT id, seq, webhook_id, workspace_id, event_id, event_type, payload, status, attempts,"
          + " dispatch, next_attempt_at, last_status, last_error, created_at, delivered_at"
          + " FROM webhook_deliveries ";
  private static final String INSERT_DELIVERY =
      "INSERT INTO webhook_deliveries (id, webhook_id, workspace_id, event_id, event_type,"
          + " payload, status, attempts, dispatch, next_attempt_at, created_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)";
  private static final String INSERT_ATTEMPT =
      "INSERT INTO webhook_attempts (delivery_id, attempt, at, duration_ms, status_code, error)"
          + " VALUES (?, ?, ?, ?, ?, ?)";
  private static final String MOVE_DELIVERY =
      "UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, dispatch = ?,"
          + " next_attempt_at = ?, last_status = ?, last_error = ?, delivered_at = ?"
          + " WHERE id = ? AND status = 'pending' AND dispatch = ?";
  private static final String REDISPATCH =
      "UPDATE webhook_deliveries SET status = 'pending', dispatch = ?, next_attempt_at = ?"
          + " WHERE id = ? AND dispatch = ? AND status = ?";

  private final Jdbc jdbc;
  private final SecretColumns secrets;

  public JdbcWebhookRepository(Jdbc jdbc, SecretColumns secrets) {
    this.jdbc = jdbc;
    this.secrets = secrets;
  }

  @Override
  public void insert(Webhook w, Secret secret) {
    jdbc.update(
        INSERT_WEBHOOK,
        w.id(),
        w.workspaceId(),
        w.url(),
        String.join(" ", w.eventTypes()),
        seal(w.id(), secret),
        w.active(),
        w.createdAt(),
        w.createdBy(),
        w.updatedAt());
  }

  private byte[] seal(String id, Secret secret) {
    return secrets.seal(TABLE, id, SECRET, Map.of(SECRET_MEMBER, secret.reveal()));
  }

  @Override
  public Optional<Webhook> find(String id) {
    return jdbc.queryOne(WEBHOOK_COLUMNS + "WHERE id = ?", JdbcWebhookRepository::webhook, id);
  }

  @Override
  public Optional<Secret> secret(String id) {
    return jdbc.queryOne("SELECT secret FROM webhooks WHERE id = ?", rs -> rs.getBytes(1), id)
        .map(c -> Secret.of(secrets.open(TABLE, id, SECRET, c).get(SECRET_MEMBER)));
  }

  @Override
  public List<Webhook> list(String workspaceId, long after, int limit) {
    return jdbc.query(
        WEBHOOK_COLUMNS + "WHERE workspace_id = ? AND seq > ? ORDER BY seq LIMIT ?",
        JdbcWebhookRepository::webhook,
        workspaceId,
        after,
        limit);
  }

  @Override
  public List<Webhook> active(String workspaceId) {
    return jdbc.query(
        WEBHOOK_COLUMNS + "WHERE workspace_id = ? AND active = TRUE ORDER BY seq",
        JdbcWebhookRepository::webhook,
        workspaceId);
  }

  @Override
  public boolean update(Webhook w, Optional<Secret> newSecret) {
    return jdbc.inTransaction(
        () -> {
          int changed =
              jdbc.update(
                  UPDATE_WEBHOOK,
                  w.url(),
                  String.join(" ", w.eventTypes()),
                  w.active(),
                  w.updatedAt(),
                  w.id());
          if (changed == 1 && newSecret.isPresent()) {
            jdbc.update(UPDATE_SECRET, seal(w.id(), newSecret.get()), w.id());
          }
          return changed == 1;
        });
  }

  @Override
  public boolean delete(String id) {
    return jdbc.update("DELETE FROM webhooks WHERE id = ?", id) == 1;
  }

  @Override
  public Optional<CredentialFacts> credential(String id) {
    return jdbc.queryOne(
        "SELECT id, name, state FROM credentials WHERE id = ?",
        rs -> new CredentialFacts(rs.getString("id"), rs.getString("name"), rs.getString("state")),
        id);
  }

  @Override
  public void enqueue(Delivery d) {
    Instant at = d.nextAttemptAt().orElse(d.createdAt());
    jdbc.inTransaction(
        () -> {
          jdbc.update(
              INSERT_DELIVERY,
              d.id(),
              d.webhookId(),
              d.workspaceId(),
              d.eventId(),
              d.eventType(),
              d.payload(),
              d.status().wireName(),
              d.dispatch(),
              at,
              d.createdAt());
          insertTask(d.instance(), at);
        });
  }

  private void insertTask(String instance, Instant at) {
    ScheduledTasks.insert(jdbc, Delivery.TASK, instance, at);
  }

  @Override
  public Optional<Delivery> delivery(String id) {
    return jdbc.queryOne(DELIVERY_COLUMNS + "WHERE id = ?", JdbcWebhookRepository::delivery, id);
  }

  @Override
  public List<Delivery> deliveries(String webhookId, long before, int limit) {
    return jdbc.query(
        DELIVERY_COLUMNS + "WHERE webhook_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
        JdbcWebhookRepository::delivery,
        webhookId,
        before <= 0 ? Long.MAX_VALUE : before,
        limit);
  }

  @Override
  public Map<String, Delivery> latest(List<String> webhookIds) {
    Map<String, Delivery> out = new LinkedHashMap<>();
    InClause.query(
            jdbc,
            DELIVERY_COLUMNS
                + "WHERE seq IN (SELECT MAX(seq) FROM webhook_deliveries WHERE webhook_id IN (%s)"
                + " GROUP BY webhook_id)",
            webhookIds,
            JdbcWebhookRepository::delivery)
        .forEach(d -> out.put(d.webhookId(), d));
    return out;
  }

  @Override
  public Map<String, List<Attempt>> attempts(List<String> deliveryIds) {
    Map<String, List<Attempt>> out = new LinkedHashMap<>();
    InClause.query(
            jdbc,
            "SELECT delivery_id, attempt, at, duration_ms, status_code, error FROM"
                + " webhook_attempts WHERE delivery_id IN (%s) ORDER BY seq",
            deliveryIds,
            rs ->
                Map.entry(
                    rs.getString("delivery_id"),
                    new Attempt(
                        rs.getInt("attempt"),
                        Jdbc.instant(rs, "at"),
                        Duration.ofMillis(rs.getLong("duration_ms")),
                        optionalInt(rs, "status_code"),
                        Optional.ofNullable(rs.getString("error")))))
        .forEach(e -> out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    return out;
  }

  @Override
  public boolean recordAttempt(Delivery d, Attempt a, Next next) {
    return jdbc.inTransaction(
        () -> {
          jdbc.update(
              INSERT_ATTEMPT,
              d.id(),
              a.number(),
              a.at(),
              a.duration().toMillis(),
              a.statusCode(),
              a.error().map(JdbcWebhookRepository::cut));
          int nextDispatch = next instanceof Next.Retry ? d.dispatch() + 1 : d.dispatch();
          DeliveryStatus status =
              switch (next) {
                case Next.Delivered x -> DeliveryStatus.DELIVERED;
                case Next.Retry r -> DeliveryStatus.PENDING;
                case Next.Failed f -> DeliveryStatus.FAILED;
              };
          Optional<Instant> nextAt =
              next instanceof Next.Retry r ? Optional.of(r.at()) : Optional.empty();
          Optional<Instant> deliveredAt =
              next instanceof Next.Delivered x ? Optional.of(x.at()) : Optional.empty();
          Optional<String> error =
              switch (next) {
                case Next.Delivered x -> Optional.empty();
                case Next.Retry r -> Optional.of(cut(r.error()));
                case Next.Failed f -> Optional.of(cut(f.error()));
              };
          int moved =
              jdbc.update(
                  MOVE_DELIVERY,
                  status.wireName(),
                  nextDispatch,
                  nextAt,
                  a.statusCode(),
                  error,
                  deliveredAt,
                  d.id(),
                  d.dispatch());
          if (moved == 1 && nextAt.isPresent()) {
            insertTask(Delivery.instance(d.id(), nextDispatch), nextAt.get());
          }
          return moved == 1;
        });
  }

  @Override
  public boolean redispatch(Delivery d, Instant at) {
    return jdbc.inTransaction(
        () -> {
          int next = d.dispatch() + 1;
          int moved =
              jdbc.update(REDISPATCH, next, at, d.id(), d.dispatch(), d.status().wireName());
          if (moved == 1) {
            insertTask(Delivery.instance(d.id(), next), at);
          }
          return moved == 1;
        });
  }

  private static String cut(String s) {
    return s.length() > MAX_ERROR ? s.substring(0, MAX_ERROR) : s;
  }

  private static Optional<Integer> optionalInt(ResultSet rs, String column) throws SQLException {
    int v = rs.getInt(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(v);
  }

  private static Webhook webhook(ResultSet rs) throws SQLException {
    String types = rs.getString("event_types");
    return new Webhook(
        rs.getString("id"),
        rs.getLong("seq"),
        rs.getString("workspace_id"),
        rs.getString("url"),
        types.isBlank() ? List.of() : Arrays.asList(types.split(" ")),
        rs.getBoolean("active"),
        Jdbc.instant(rs, "created_at"),
        rs.getString("created_by"),
        Jdbc.instant(rs, "updated_at"));
  }

  private static Delivery delivery(ResultSet rs) throws SQLException {
    return new Delivery(
        rs.getString("id"),
        rs.getLong("seq"),
        rs.getString("webhook_id"),
        rs.getString("workspace_id"),
        rs.getString("event_id"),
        rs.getString("event_type"),
        rs.getString("payload"),
        DeliveryStatus.fromWire(rs.getString("status")).orElse(DeliveryStatus.FAILED),
        rs.getInt("attempts"),
        rs.getInt("dispatch"),
        Jdbc.optionalInstant(rs, "next_attempt_at"),
        optionalInt(rs, "last_status"),
        Optional.ofNullable(rs.getString("last_error")),
        Jdbc.instant(rs, "created_at"),
        Jdbc.optionalInstant(rs, "delivered_at"));
  }
}
