package io.credflow.outbound;

import io.credflow.common.CredflowException;

/**
 * Credflow will not connect where a URL points: a forbidden address class (loopback, private,
 * link-local, cloud metadata, …), a URL that is not plain absolute http(s), or a host name that
 * does not resolve. The API answers 422 with {@link #code()}; the message names the host, the
 * address and its class, and says what to change.
 */
public final class OutboundRefusedException extends CredflowException {
  /** The URL or the address it resolves to is not one Credflow connects to. */
  public static final String REFUSED = "outbound_refused";

  /** The host name did not resolve to any address. */
  public static final String HOST_NOT_FOUND = "host_not_found";

  /** The HTTP status the API answers with. */
  public static final int STATUS = 422;

  private final String field;

  private OutboundRefusedException(String code, String message) {
    this(code, message, null);
  }

  private OutboundRefusedException(String code, String message, String field) {
    super(code, message);
    this.field = field;
  }

  static OutboundRefusedException refused(String message) {
    return new OutboundRefusedException(REFUSED, message);
  }

  static OutboundRefusedException hostNotFound(String host) {
    return new OutboundRefusedException(
        HOST_NOT_FOUND,
        "the host "
            + OutboundPolicy.quoted(host)
            + " could not be resolved: check the host name in the URL");
  }

  /**
   * The same refusal, its message led by what was being called (e.g. {@code the token endpoint of
   * auth-client ac_1}), so a person knows which setting to change.
   */
  public OutboundRefusedException about(String what) {
    return new OutboundRefusedException(code(), what + ": " + getMessage(), field);
  }

  /**
   * The same refusal, about the command's {@code field} (see {@link io.credflow.common.Field}) that
   * named the address, e.g. a request configuration's {@code config/reader/url}.
   */
  public OutboundRefusedException at(String field) {
    return new OutboundRefusedException(code(), getMessage(), field);
  }

  /** The field of the command that named the refused address, when one did. */
  public java.util.Optional<String> field() {
    return java.util.Optional.ofNullable(field);
  }

  /** Whether the host did not resolve (which may pass), rather than being refused for good. */
  public boolean hostNotFound() {
    return code().equals(HOST_NOT_FOUND);
  }
}
