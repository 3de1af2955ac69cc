package io.credflow.executor;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the request action returns: the upstream's status, its headers as received (a value, or a
 * list of values for a repeated header), and the decoded body (JSON value, XML as JSON, text, or
 * base64). {@code certificateVerified} is false when the spec asked not to verify TLS certificates
 * ({@code noStrictSSL}). With {@code downloadAsAttachment} a successful answer's body is the {@code
 * attachment} instead, and {@code responseBody} is null.
 */
public record RequestResult(
    int statusCode,
    Map<String, Object> headers,
    Object responseBody,
    boolean certificateVerified,
    Optional<Attachment> attachment) {
  /** A result whose body is returned, not stored. */
  public RequestResult(
      int statusCode,
      Map<String, Object> headers,
      Object responseBody,
      boolean certificateVerified) {
    this(statusCode, headers, responseBody, certificateVerified, Optional.empty());
  }

  /** A result whose TLS certificates, if any, were verified. */
  public RequestResult(int statusCode, Map<String, Object> headers, Object responseBody) {
    this(statusCode, headers, responseBody, true);
  }

  /**
   * The component's result as plain values: {@code {statusCode, HTTPHeaders, responseBody}}, with
   * {@code attachmentUrl} in place of the body for a stored download and {@code
   * certificateVerified: false} when certificates were not checked. What the API answers and what a
   * flow step passes on.
   */
  public java.util.Map<String, Object> output() {
    java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("statusCode", statusCode);
    out.put("HTTPHeaders", headers);
    if (attachment.isPresent()) {
      out.put("attachmentUrl", attachment.get().url().toString());
    } else {
      out.put("responseBody", responseBody);
    }
    if (!certificateVerified) {
      out.put("certificateVerified", false); // noStrictSSL: the caller must know
    }
    return out;
  }

  /**
   * The status, header names and the body's shape, never values: an upstream may echo the request's
   * credential, and bodies carry other people's data. An attachment shows its size, not its URL.
   */
  @Override
  public String toString() {
    return "RequestResult[statusCode="
        + statusCode
        + ", headers="
        + headers.keySet()
        + attachment
            .map(a -> ", attachment of " + a.size() + " bytes")
            .orElseGet(() -> ", responseBody=" + shape(responseBody))
        + (certificateVerified ? "" : ", certificateVerified=false")
        + "]";
  }

  private static String shape(Object body) {
    return switch (body) {
      case null -> "null";
      case Map<?, ?> m -> "object of " + m.size() + " members";
      case List<?> l -> "array of " + l.size() + " items";
      case String s -> "text of " + s.length() + " characters";
      default -> body.getClass().getSimpleName();
    };
  }
}
