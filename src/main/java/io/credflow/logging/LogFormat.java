package io.credflow.logging;

import java.util.Locale;
import java.util.Optional;

/**
 * How log lines are written: {@code text} (one line a person reads) or {@code json} (JSON lines).
 */
public enum LogFormat {
  TEXT,
  JSON;

  /** The format named {@code name} ({@code text} or {@code json}, any case), if it is one. */
  public static Optional<LogFormat> parse(String name) {
    if (name == null) {
      return Optional.empty();
    }
    return switch (name.strip().toLowerCase(Locale.ROOT)) {
      case "text" -> Optional.of(TEXT);
      case "json" -> Optional.of(JSON);
      default -> Optional.empty();
    };
  }

  /** The name as a flag takes it. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
