package io.credflow.executor;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A validated REST API V2 request configuration: what to send ({@code reader}) and what to do with
 * errors, retries, redirects, time, sizes, TLS and the response. Parse one with {@link SpecParser};
 * a spec is immutable and safe to share between calls and threads. {@code pointer} is where the
 * configuration sat in the request it came from, so that an expression failing on a message names
 * its member.
 *
 * <p>{@code downloadAsAttachment} stores a successful answer's body as an {@link Attachment}
 * instead of returning it; {@code uploadFile} sends the bytes at a URL: the URL a raw {@code
 * application/octet-stream} body evaluates to, or a form value's {@code {url, filename,
 * knownLength}}.
 */
public record RequestSpec(
    Method method,
    Expression url,
    List<HeaderTemplate> headers,
    BodyTemplate body,
    ErrorPolicy errorPolicy,
    StatusCodes errorCodes,
    StatusCodes ignoreErrorCodes,
    int maxRetries,
    int maxRedirects,
    Duration requestTimeout,
    Duration delay,
    ResponseEncoding responseEncoding,
    int maxContentLength,
    long maxBodyLength,
    boolean noStrictSsl,
    boolean downloadAsAttachment,
    boolean uploadFile,
    String pointer) {

  /**
   * Attempts in all under {@code byComponent} when the spec does not say: the component's default
   * and maximum of {@code maxRetries}.
   */
  public static final int DEFAULT_MAX_RETRIES = 10;

  /** {@link #maxBodyLength} when the spec sets none. */
  public static final long UNLIMITED_BODY = Long.MAX_VALUE;

  public static final int DEFAULT_MAX_REDIRECTS = 5;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(60_000);

  public RequestSpec {
    headers = List.copyOf(headers);
  }

  /**
   * The same spec without its {@code delay}, for a runtime that keeps the turns of a step's
   * requests itself (flows pace a step across runs and processes).
   */
  public RequestSpec withoutDelay() {
    return new RequestSpec(
        method,
        url,
        headers,
        body,
        errorPolicy,
        errorCodes,
        ignoreErrorCodes,
        maxRetries,
        maxRedirects,
        requestTimeout,
        Duration.ZERO,
        responseEncoding,
        maxContentLength,
        maxBodyLength,
        noStrictSsl,
        downloadAsAttachment,
        uploadFile,
        pointer);
  }

  /** Attempts in all under {@code byComponent}: {@code maxRetries}, and at least one. */
  public int attempts() {
    return Math.max(1, maxRetries);
  }

  /** The HTTP methods the component offers. */
  public enum Method {
    GET,
    POST,
    PUT,
    PATCH,
    DELETE
  }

  /** A header the user set; its value is an expression over the message. */
  public record HeaderTemplate(String name, Expression value) {}

  /** One {@code key}/{@code value} of an urlencoded or multipart body. */
  public record Field(
      String key,
      Expression value,
      Optional<String> filename,
      Optional<String> contentType,
      boolean base64) {}

  /** What the request carries. */
  public sealed interface BodyTemplate {
    /** No body. */
    record None() implements BodyTemplate {}

    /**
     * {@code raw}: the expression's string is sent as is, any other value as JSON; with {@code
     * base64} the string is decoded and the bytes are sent (binary bodies).
     */
    record Raw(String contentType, Expression raw, boolean base64) implements BodyTemplate {
      /**
       * Whether, under {@code uploadFile}, this body is the URL of the bytes to send: it is when
       * its content type is {@code application/octet-stream} (any parameters); others are sent as
       * they are.
       */
      public boolean uploadsFile(boolean uploadFile) {
        return uploadFile
            && contentType.split(";", 2)[0].strip().equalsIgnoreCase("application/octet-stream");
      }
    }

    /** {@code urlencoded}: a form body, or query parameters on GET. */
    record Urlencoded(List<Field> fields) implements BodyTemplate {}

    /** {@code formData}: a multipart/form-data body. */
    record FormData(List<Field> fields) implements BodyTemplate {}
  }
}
