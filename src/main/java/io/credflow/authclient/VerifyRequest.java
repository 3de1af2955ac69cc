package io.credflow.authclient;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request that checks whether a credential works, e.g. {@code {"method":"GET","url":
 * "https://api.example.com/me"}}: the shape of a request spec's {@code reader} (method, url,
 * headers, body; JSONata allowed as in requests), as written. It is sent with the credential's
 * authorization, and a 2xx answer means the credential works. An auth-client may carry one for all
 * its credentials, a credential its own.
 *
 * <p>Only the request executor knows the reader's rules: what writes one checks it through a {@link
 * Check} that the executor provides.
 */
public record VerifyRequest(Map<String, Object> reader) {
  public VerifyRequest {
    reader = Collections.unmodifiableMap(new LinkedHashMap<>(reader));
  }

  /** Checks a verify request as the request executor would read it. */
  @FunctionalInterface
  public interface Check {
    /**
     * Refuses {@code request} unless the executor can send it.
     *
     * @throws io.credflow.common.ValidationException naming each member to fix, as fields under
     *     {@code field} (e.g. {@code credentials/verify_request})
     */
    void check(VerifyRequest request, String field);

    /** Takes any object: for wiring without an executor. */
    Check ANY_OBJECT = (request, field) -> {};
  }
}
