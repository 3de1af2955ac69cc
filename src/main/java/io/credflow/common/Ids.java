package io.credflow.common;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Resource ids: 24 lowercase hex characters (96 random bits), as the seed's platform shows them.
 */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private Ids() {}

  public static String newId() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return HEX.formatHex(bytes);
  }

  /** Whether {@code s} has the shape of an id; anything else cannot name a resource. */
  public static boolean looksLikeId(String s) {
    if (s == null || s.length() != 24) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
