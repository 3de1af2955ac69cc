package io.credflow.executor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Shapes response header fields into the result's {@code HTTPHeaders} object the way the reference
 * component did: one member per field name, a single value as a string, a repeated field (e.g.
 * {@code Set-Cookie}) as an array of its values in order. Values are never split at commas.
 */
public final class ReceivedHeaders {
  private ReceivedHeaders() {}

  /**
   * The fields in the order received, grouped by name case-insensitively under the first spelling
   * seen; a name seen once maps to its {@code String} value, a repeated one to a {@code
   * List<String>}. A {@code null} value counts as the empty string. The map is unmodifiable.
   */
  public static Map<String, Object> asReceived(List<Map.Entry<String, String>> fields) {
    Map<String, String> spelling = new LinkedHashMap<>();
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (Map.Entry<String, String> field : fields) {
      String name = Objects.requireNonNull(field.getKey(), "header name");
      String key = name.toLowerCase(Locale.ROOT);
      spelling.putIfAbsent(key, name);
      values
          .computeIfAbsent(key, k -> new ArrayList<>())
          .add(Objects.requireNonNullElse(field.getValue(), ""));
    }
    Map<String, Object> shaped = new LinkedHashMap<>();
    values.forEach(
        (key, list) ->
            shaped.put(
                spelling.get(key),
                list.size() == 1 ? list.get(0) : Collections.unmodifiableList(list)));
    return Collections.unmodifiableMap(shaped);
  }
}
