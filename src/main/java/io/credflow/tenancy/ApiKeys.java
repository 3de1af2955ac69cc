package io.credflow.tenancy;

import io.credflow.common.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * API keys: 256 random bits, shown once, kept only as a SHA-256 digest. A slow password hash would
 * buy nothing for a key of this entropy and would cost every request.
 */
public final class ApiKeys {
  /**
   * Every generated key starts with this, so that a leaked key is easy to recognise and scan for.
   */
  public static final String PREFIX = "cfk_";

  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeys() {}

  public static Secret generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Secret.of(PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  public static byte[] digest(Secret key) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(key.reveal().getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * Whether {@code key} may be used as a fixed admin key: 16 to 512 visible ASCII characters, so
   * that it survives HTTP headers and Basic credentials unchanged.
   */
  public static boolean acceptable(String key) {
    if (key.length() < 16 || key.length() > 512) {
      return false;
    }
    return key.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }
}
