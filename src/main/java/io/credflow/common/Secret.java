package io.credflow.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret value (password, API key, client secret, token). Its {@link #toString()} is the mask, so
 * a secret that reaches a log line, an exception message or a debugger's record view prints as
 * {@value #MASK}; only {@link #reveal()} gives the value, and every call of it is deliberate.
 */
public final class Secret {
  /** What every read shows instead of a secret. */
  public static final String MASK = "********";

  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  public static Secret of(String value) {
    return new Secret(value);
  }

  public String reveal() {
    return value;
  }

  /** Constant-time comparison, for checks whose timing must not leak the value. */
  public boolean sameAs(Secret other) {
    return MessageDigest.isEqual(
        value.getBytes(StandardCharsets.UTF_8), other.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && sameAs(s);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return MASK;
  }
}
