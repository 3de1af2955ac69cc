package io.credflow.oauth;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/** Authorize URLs: the provider's endpoint with the round trip's parameters added to its query. */
final class AuthorizeUrls {
  private AuthorizeUrls() {}

  static URI withQuery(URI base, Map<String, String> params) {
    String query =
        params.entrySet().stream()
            .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
            .collect(Collectors.joining("&"));
    String separator = base.getRawQuery() == null ? "?" : "&";
    return URI.create(base + separator + query);
  }

  /** Percent-encoding with spaces as {@code %20}, which every provider reads. */
  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
