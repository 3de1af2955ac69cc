package io.credflow.testing.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.testing.Api;
import io.credflow.testing.documents.Resource;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pieces of the Authenticate round trip tests take apart: the start document, what its answer
 * holds ({@code state}, {@code authorize_url}), and the query of the URLs the browser follows.
 */
public final class Authorizations {
  private Authorizations() {}

  /**
   * The document of {@code POST …/authorizations} for {@code authClient}, with {@code attributes}
   * (e.g. {@code credential_name}); {@link Resource#relationship} adds a {@code credential} to
   * re-authenticate.
   */
  public static Resource start(String authClient, Map<String, ?> attributes) {
    return Resource.of("authorization")
        .attributes(attributes)
        .relationship("auth_client", "auth-client", authClient);
  }

  /** {@link #start(String, Map)} with no attributes, as a document. */
  public static ObjectNode start(String authClient) {
    return start(authClient, Map.of()).build();
  }

  /** The {@code state} of a started authorization. */
  public static String state(Api.Response started) {
    return started.attributes().path("state").asText();
  }

  /** The {@code authorize_url} of a started authorization. */
  public static String authorizeUrl(Api.Response started) {
    return started.attributes().path("authorize_url").asText();
  }

  /** The decoded query of a started authorization's {@code authorize_url}. */
  public static Map<String, String> authorizeParams(Api.Response started) {
    return query(URI.create(authorizeUrl(started)));
  }

  /** {@code scheme://authority/path} of {@code uri}, without query or fragment. */
  public static String withoutQuery(URI uri) {
    return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
  }

  /** {@code base} with {@code params} as its query, each name and value form-encoded. */
  public static URI withQuery(String base, Map<String, String> params) {
    StringBuilder q = new StringBuilder();
    params.forEach(
        (k, v) ->
            q.append(q.isEmpty() ? "?" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return URI.create(base + q);
  }

  /** Decoded query parameters; a parameter given twice fails the test. */
  public static Map<String, String> query(URI uri) {
    Map<String, String> params = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      assertThat(params.put(name, value)).as("parameter %s given twice in %s", name, uri).isNull();
    }
    return params;
  }
}
