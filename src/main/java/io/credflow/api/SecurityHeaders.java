package io.credflow.api;

import java.net.URI;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * Headers every answer carries, JSON and HTML alike: no content sniffing, no framing by another
 * site (clickjacking), and a content policy that loads nothing. A page that runs a script of its
 * own (the OAuth callback) widens {@code script-src} for that script alone.
 */
final class SecurityHeaders {
  static final String CONTENT_TYPE_OPTIONS = "X-Content-Type-Options";
  static final String FRAME_OPTIONS = "X-Frame-Options";
  static final String CONTENT_SECURITY_POLICY = "Content-Security-Policy";

  /** For answers that are data: nothing in them may load, run or be framed. */
  static final String DATA_POLICY = "default-src 'none'; frame-ancestors 'none'";

  private SecurityHeaders() {}

  /** Sets the headers through {@code header} (name, value). */
  static void apply(BiConsumer<String, String> header) {
    header.accept(CONTENT_TYPE_OPTIONS, "nosniff");
    header.accept(FRAME_OPTIONS, "DENY");
    header.accept(CONTENT_SECURITY_POLICY, DATA_POLICY);
  }

  /** The policy of a page whose only script is the inline one carrying {@code nonce}. */
  static String pagePolicy(String nonce) {
    return "default-src 'none'; script-src 'nonce-"
        + nonce
        + "'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
  }

  /** The origin (scheme, host and port) of {@code url}, as a browser compares origins. */
  static String origin(URI url) {
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    String host = url.getHost().toLowerCase(Locale.ROOT);
    int port = url.getPort();
    boolean defaultPort =
        port < 0
            || (scheme.equals("http") && port == 80)
            || (scheme.equals("https") && port == 443);
    return scheme + "://" + host + (defaultPort ? "" : ":" + port);
  }
}
