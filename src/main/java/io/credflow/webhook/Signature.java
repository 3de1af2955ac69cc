package io.credflow.webhook;

import io.credflow.common.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@value #HEADER} header: {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>"
 * under the subscription's secret>}. A receiver recomputes the MAC over the body exactly as it came
 * and compares in constant time, and refuses a {@code t} older than its tolerance (replays).
 */
public final class Signature {
  public static final String HEADER = "Credflow-Signature";

  /** How old a signature {@link #verify} accepts by default. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private static final String ALGORITHM = "HmacSHA256";
  private static final HexFormat HEX = HexFormat.of();

  private Signature() {}

  /** The header's value for {@code body} sent at {@code at}. */
  public static String header(Secret secret, Instant at, String body) {
    long t = at.getEpochSecond();
    return "t=" + t + ",v1=" + HEX.formatHex(mac(secret, t, body));
  }

  /** Why a signature header does not verify, or empty when it does. */
  public static Optional<String> verify(
      Secret secret, String header, String body, Instant now, Duration tolerance) {
    if (header == null) {
      return Optional.of("no " + HEADER + " header");
    }
    Long t = null;
    byte[] given = null;
    for (String part : header.split(",")) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = part.substring(0, eq).strip();
      String value = part.substring(eq + 1).strip();
      try {
        if (key.equals("t")) {
          t = Long.parseLong(value);
        } else if (key.equals("v1")) {
          given = HEX.parseHex(value);
        }
      } catch (IllegalArgumentException e) {
        return Optional.of("the " + key + " part of the signature is malformed");
      }
    }
    if (t == null || given == null) {
      return Optional.of("the signature needs both t= and v1=");
    }
    if (!MessageDigest.isEqual(mac(secret, t, body), given)) {
      return Optional.of("the signature does not match the body");
    }
    Duration age = Duration.between(Instant.ofEpochSecond(t), now);
    if (age.compareTo(tolerance) > 0 || age.compareTo(tolerance.negated()) < 0) {
      return Optional.of("the signature's timestamp is " + age.toSeconds() + " s from now");
    }
    return Optional.empty();
  }

  private static byte[] mac(Secret secret, long t, String body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret.reveal().getBytes(StandardCharsets.UTF_8), ALGORITHM));
      return mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }
}
