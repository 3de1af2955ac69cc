package io.credflow.executor;

import io.credflow.common.Members;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The message a flow step receives: its {@code body}, {@code passthrough} (what earlier steps
 * produced) and {@code attachments} (the files they stored). Expressions evaluate over the message
 * itself, so {@code body.x} reads the body's {@code x}, and {@code $getPassthrough()} answers the
 * passthrough.
 */
public record Message(Map<String, Object> input) {
  private static final Set<String> MEMBERS = Set.of("body", "passthrough", "attachments");

  public Message {
    input = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(input));
  }

  /** A message with this body and passthrough (either may be null). */
  public static Message of(Object body, Object passthrough) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("body", body == null ? Map.of() : body);
    m.put("passthrough", passthrough == null ? Map.of() : passthrough);
    return new Message(m);
  }

  /**
   * A message with this body, passthrough and {@code attachments} (files earlier steps stored, by
   * step id: {@code {url}}), as a flow step receives it.
   */
  public static Message of(Object body, Object passthrough, Map<String, Object> attachments) {
    Map<String, Object> m = new LinkedHashMap<>(of(body, passthrough).input());
    m.put("attachments", attachments);
    return new Message(m);
  }

  /** Reads a parsed JSON message; {@code base} is its field (e.g. {@code message}). */
  public static Message parse(Object tree, String base) {
    if (tree == null) {
      return of(null, null);
    }
    Members m = Members.of(tree, base, "messages");
    m.allowOnly(MEMBERS);
    m.finish();
    if (m.get("attachments") instanceof Map<?, ?> given) {
      Map<String, Object> attachments = new LinkedHashMap<>();
      given.forEach((k, v) -> attachments.put(String.valueOf(k), v));
      return of(m.get("body"), m.get("passthrough"), attachments);
    }
    if (m.has("attachments")) {
      throw new io.credflow.common.ValidationException(
          m.field("attachments"), "invalid_type", "attachments must be a JSON object");
    }
    return of(m.get("body"), m.get("passthrough"));
  }

  public Object body() {
    return input.get("body");
  }

  public Object passthrough() {
    return input.get("passthrough");
  }
}
