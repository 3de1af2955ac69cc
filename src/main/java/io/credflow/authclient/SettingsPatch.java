package io.credflow.authclient;

import io.credflow.common.Secret;
import io.credflow.common.ValidationException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A change of an auth-client's settings, as a PATCH sends it: what happens to each member it names;
 * members it does not name keep their value. Which members exist and what they may hold is checked
 * when the patch is applied to the stored settings, which know the auth-client's type.
 */
public record SettingsPatch(Map<String, Edit> edits) {
  public SettingsPatch {
    edits = Collections.unmodifiableMap(new LinkedHashMap<>(edits));
  }

  /** What happens to one member. */
  public sealed interface Edit {
    /** The member keeps its stored secret (the request sent the mask {@value Secret#MASK}). */
    record Keep() implements Edit {}

    /** The member takes {@code value} (a string, number, boolean, list or object as parsed). */
    record Replace(Object value) implements Edit {
      public Replace {
        Objects.requireNonNull(value, "value");
      }

      @Override
      public String toString() {
        // A replaced member may be a client secret or an API key.
        return "Replace[…]";
      }
    }

    /** The optional member goes (the request sent {@code null}). */
    record Remove() implements Edit {}
  }

  /**
   * Reads a parsed JSON object of members: {@value Secret#MASK} keeps, {@code null} removes,
   * anything else replaces. Anything but an object is refused at {@code field}.
   */
  public static SettingsPatch parse(Object tree, String field) {
    if (!(tree instanceof Map<?, ?> members)) {
      throw new ValidationException(field, "invalid_type", "credentials must be a JSON object");
    }
    Map<String, Edit> edits = new LinkedHashMap<>();
    members.forEach(
        (name, value) ->
            edits.put(
                String.valueOf(name),
                value == null
                    ? new Edit.Remove()
                    : Secret.MASK.equals(value) ? new Edit.Keep() : new Edit.Replace(value)));
    return new SettingsPatch(edits);
  }
}
