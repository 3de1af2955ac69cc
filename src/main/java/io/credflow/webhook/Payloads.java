package io.credflow.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.credflow.credential.CredentialEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON body of a delivery: {@code {"id", "type", "created_at", "workspace": {"id"}, "data":
 * {…}}}. The data names the credential (id, name, state) and says what happened in a sentence; a
 * failed run's data adds its flow, run and step. Never a secret: events carry none.
 */
final class Payloads {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Payloads() {}

  static String event(
      String eventId, CredentialEvent e, Optional<WebhookRepository.CredentialFacts> credential) {
    Map<String, Object> data = new LinkedHashMap<>();
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("id", e.credentialId());
    credential.ifPresent(
        f -> {
          c.put("name", f.name());
          c.put("state", f.state());
        });
    data.put("credential", c);
    for (String kind : new String[] {"flow", "run", "step"}) {
      String id = e.refs().get(kind);
      if (id != null) {
        data.put(kind, Map.of("id", id));
      }
    }
    data.put("detail", e.detail());
    return write(eventId, e.type(), e.at(), e.workspaceId(), data);
  }

  static String ping(String eventId, Webhook webhook, Instant at) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("webhook", Map.of("id", webhook.id()));
    data.put("detail", "a test event, sent because someone asked for a ping of this subscription");
    return write(eventId, EventTypes.PING, at, webhook.workspaceId(), data);
  }

  private static String write(
      String id, String type, Instant at, String workspaceId, Map<String, Object> data) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", id);
    body.put("type", type);
    body.put("created_at", at.toString());
    body.put("workspace", Map.of("id", workspaceId));
    body.put("data", data);
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a webhook payload", e);
    }
  }
}
