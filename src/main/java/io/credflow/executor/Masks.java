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

  /**
   * A decoded body (JSON values: maps, lists, strings, numbers) with every string masked. What no
   * mask changed is returned as it is, not copied: nearly every body holds no secret.
   */
  Object value(Object value) {
    if (masks.isEmpty()) {
      return value;
    }
    return switch (value) {
      case String s -> text(s);
      case Map<?, ?> map -> map(map);
      case List<?> list -> list(list);
      case null -> null;
      default -> value;
    };
  }

  private Object map(Map<?, ?> map) {
    Map<String, Object> out = null;
    int seen = 0;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      String maskedKey = text(key);
      Object maskedValue = value(e.getValue());
      if (out == null && (!maskedKey.equals(key) || maskedValue != e.getValue())) {
        // The first change: copy what came before it, then go on copying.
        out = new LinkedHashMap<>();
        int i = 0;
        for (Map.Entry<?, ?> before : map.entrySet()) {
          if (i++ == seen) {
            break;
          }
          out.put(String.valueOf(before.getKey()), before.getValue());
        }
      }
      if (out != null) {
        out.put(maskedKey, maskedValue);
      }
      seen++;
    }
    return out == null ? map : out;
  }

  private Object list(List<?> list) {
    List<Object> out = null;
    for (int i = 0; i < list.size(); i++) {
      Object item = list.get(i);
      Object masked = value(item);
      if (out == null && masked != item) {
        out = new ArrayList<>(list.subList(0, i));
      }
      if (out != null) {
        out.add(masked);
      }
    }
    return out == null ? list : out;
  }
}
