package io.credflow.security;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Looks for canary strings in raw bytes, in the encodings a store could plausibly use. */
final class Scan {
  private static final List<Charset> ENCODINGS =
      List.of(StandardCharsets.UTF_8, StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE);

  private Scan() {}

  /** The labels of the canaries found in {@code bytes} (in any encoding), with where. */
  static List<String> find(Map<String, String> canaries, byte[] bytes, String where) {
    List<String> found = new ArrayList<>();
    canaries.forEach(
        (label, canary) -> {
          for (Charset charset : ENCODINGS) {
            if (indexOf(bytes, canary.getBytes(charset)) >= 0) {
              found.add(label + " (" + charset + ") in " + where);
            }
          }
        });
    return found;
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
