package io.credflow.testing.oauth;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One request as a fake received it, recorded before any validation so that a test can check the
 * exact encoding a client sent.
 *
 * @param method the HTTP method
 * @param uri the request URI as sent (raw path and query)
 * @param params the decoded form parameters of a form body, else the decoded query parameters
 *     (empty when they could not be parsed; {@code body} still has them)
 * @param authorization the {@code Authorization} header exactly as sent
 * @param body the raw request body
 * @param receivedAt when the fake received it, by the fake's clock
 */
public record RecordedRequest(
    String method,
    URI uri,
    Map<String, String> params,
    Optional<String> authorization,
    String body,
    Instant receivedAt) {

  public RecordedRequest {
    params = Map.copyOf(params);
  }

  /** A decoded parameter. */
  public Optional<String> param(String name) {
    return Optional.ofNullable(params.get(name));
  }

  /** The {@code grant_type} parameter, or an empty string when there is none. */
  public String grantType() {
    return params.getOrDefault("grant_type", "");
  }
}
