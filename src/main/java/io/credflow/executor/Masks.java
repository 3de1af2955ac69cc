package io.credflow.executor;

import io.credflow.common.SecretMask;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The masks of every authorization one call carried (the first, and the one after a refresh), taken
 * out of everything the call hands back: the result's headers and body as decoded, and every error
 * message. An upstream that echoes the request, on a success or an error, would otherwise hand the
 * caller the credential's secret.
 */
final class Masks {
  private final List<SecretMask> masks;

  private Masks(List<SecretMask> masks) {
    this.masks = List.copyOf(masks);
  }

  static Masks of(SecretMask mask) {
    return new Masks(mask.isEmpty() ? List.of() : List.of(mask));
  }

  /** These masks and {@code mask}. */
  Masks and(SecretMask mask) {
    if (mask.isEmpty() || masks.contains(mask)) {
      return this;
    }
    List<SecretMask> more = new ArrayList<>(masks);
    more.add(mask);
    return new Masks(more);
  }

  boolean isEmpty() {
    return masks.isEmpty();
  }

  String text(String text) {
    String out = text;
    for (SecretMask m : masks) {
      out = m.apply(out);
    }
    return out;
  }

  /** A decoded body (JSON values: maps, lists, strings, numbers) with every string masked. */
  Object value(Object value) {
    if (masks.isEmpty()) {
      return value;
    }
    return switch (value) {
      case String s -> text(s);
      case Map<?, ?> map -> {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(text(String.valueOf(k)), value(v)));
        yield out;
      }
      case List<?> list -> {
        List<Object> out = new ArrayList<>(list.size());
        list.forEach(v -> out.add(value(v)));
        yield out;
      }
      case null -> null;
      default -> value;
    };
  }
}
