package io.credflow.demo;

import java.net.URI;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Where the demo provider's endpoints and pages are, all below the public URL, which may only be
 * known once the server listens (port 0): so every address is computed when asked for.
 */
record Addresses(Supplier<URI> publicUrl) {
  static final String BASE_PATH = "/demo/oauth2";

  /**
   * Credflow's one redirect URI ({@code io.credflow.oauth.AuthorizationService.CALLBACK_PATH}),
   * repeated here because the demo layer may not depend on the OAuth layer it stands in for.
   */
  static final String CALLBACK_PATH = "/callback/oauth2";

  static final String STYLESHEET_PATH = "/assets/console.css";

  /** The public URL without its trailing slashes, as Credflow builds its redirect URI. */
  String base() {
    return publicUrl.get().toString().replaceAll("/+$", "");
  }

  URI endpoint(String name) {
    return URI.create(base() + BASE_PATH + "/" + name);
  }

  URI redirectUri() {
    return URI.create(base() + CALLBACK_PATH);
  }

  /** A path below the public URL's own path, for links in pages (Credflow may sit below a path). */
  String path(String path) {
    String own = publicUrl.get().getRawPath();
    return (own == null ? "" : own.replaceAll("/+$", "")) + path;
  }

  /** The origin of the redirect URI, which the consent form's answer is redirected to. */
  String callbackOrigin() {
    URI url = redirectUri();
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    int port = url.getPort();
    return scheme + "://" + url.getHost().toLowerCase(Locale.ROOT) + (port < 0 ? "" : ":" + port);
  }
}
