package io.credflow.oauth;

import io.credflow.authclient.OAuthSettings;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Authorize URLs: the provider's endpoint with the round trip's parameters added to its query. */
final class AuthorizeUrls {
  private AuthorizeUrls() {}

  /**
   * The parameters every provider's authorize URL carries, in order: response type, client id,
   * redirect URI, scopes (the client's own, else the component's; joined with {@code separator},
   * left out when there are none) and state.
   */
  static Map<String, String> common(
      OAuthSettings settings, OAuthProvider.AuthorizeRequest request, String separator) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("response_type", "code");
    params.put("client_id", settings.clientId());
    params.put("redirect_uri", request.redirectUri().toString());
    List<String> scopes = settings.scopes().orElse(request.componentScopes());
    if (!scopes.isEmpty()) {
      params.put("scope", String.join(separator, scopes));
    }
    params.put("state", request.state().reveal());
    return params;
  }

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
