package io.credflow.testing.upstream;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One request exactly as {@link Upstream} received it, recorded before the endpoint answers, so a
 * test can check what a client really put on the wire: header names in their original case and
 * order, the raw query, the body bytes, and the multipart parts or form fields parsed back.
 *
 * @param method the request method as sent
 * @param path the raw request path, still percent-encoded
 * @param rawQuery the raw query without {@code ?}, or null when the target had none
 * @param query the query decoded as {@code application/x-www-form-urlencoded} (UTF-8, {@code +} is
 *     a space), names in arrival order, repeated names kept
 * @param headers every header line in arrival order, name and value as sent (the value without
 *     surrounding whitespace)
 * @param body the body bytes (empty when there was none), after any chunked transfer decoding
 * @param contentType the {@code Content-Type} header, or null when there was none
 * @param parts the parts of a {@code multipart/form-data} body in order, empty for any other body
 *     or one that does not parse
 * @param form the fields of an {@code application/x-www-form-urlencoded} body, empty otherwise
 * @param arrived when the endpoint took the request, on the {@link Upstream}'s clock
 */
public record Received(
    String method,
    String path,
    String rawQuery,
    Map<String, List<String>> query,
    List<Map.Entry<String, String>> headers,
    byte[] body,
    String contentType,
    List<Part> parts,
    Map<String, List<String>> form,
    Instant arrived) {

  /**
   * One part of a multipart body.
   *
   * @param filename the {@code filename} of its Content-Disposition, or null for a plain field
   * @param contentType the part's own {@code Content-Type}, or null when it had none
   */
  public record Part(String name, String filename, String contentType, byte[] content) {
    /** The content decoded as UTF-8. */
    public String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  public Received {
    query = ordered(query);
    headers = List.copyOf(headers);
    parts = List.copyOf(parts);
    form = ordered(form);
  }

  private static Map<String, List<String>> ordered(Map<String, List<String>> params) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    params.forEach((name, values) -> copy.put(name, List.copyOf(values)));
    return Collections.unmodifiableMap(copy);
  }

  /** The values of every header called {@code name}, compared case-insensitively, in order. */
  public List<String> header(String name) {
    return headers.stream()
        .filter(h -> h.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue)
        .toList();
  }

  /** The first value of the header called {@code name} (case-insensitive). */
  public Optional<String> firstHeader(String name) {
    return header(name).stream().findFirst();
  }

  /** The first value of query parameter {@code name}. */
  public Optional<String> queryParam(String name) {
    return Optional.ofNullable(query.get(name)).map(List::getFirst);
  }

  /** The body decoded as UTF-8. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
