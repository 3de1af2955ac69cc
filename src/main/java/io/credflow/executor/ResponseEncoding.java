package io.credflow.executor;

import io.credflow.common.ValidationException;
import java.util.Locale;

/**
 * How the request spec asks for the response body: {@code utf8} decodes text (and converts JSON and
 * XML), {@code base64} hands back the raw bytes untouched, for bodies the flow must pass on
 * exactly.
 */
public enum ResponseEncoding {
  UTF8("utf8"),
  BASE64("base64");

  private final String wireName;

  ResponseEncoding(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /**
   * The encoding spelled {@code value}: {@code utf8} or {@code utf-8}, or {@code base64}, in any
   * case. Absent ({@code null}) means {@code utf8}, the component's default. Anything else is a
   * {@link ValidationException} at {@code pointer} (code {@code invalid_response_encoding}).
   */
  public static ResponseEncoding parse(String value, String pointer) {
    if (value == null) {
      return UTF8;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "utf8", "utf-8" -> UTF8;
      case "base64" -> BASE64;
      default ->
          throw new ValidationException(
              pointer,
              "invalid_response_encoding",
              "response encoding \""
                  + value
                  + "\" is not supported: use \"utf8\" (also spelled \"utf-8\") or \"base64\"");
    };
  }

  @Override
  public String toString() {
    return wireName;
  }
}
