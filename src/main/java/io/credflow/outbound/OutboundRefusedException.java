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

  private OutboundRefusedException(String code, String message) {
    super(code, message);
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
    return new OutboundRefusedException(code(), what + ": " + getMessage());
  }

  /** Whether the host did not resolve (which may pass), rather than being refused for good. */
  public boolean hostNotFound() {
    return code().equals(HOST_NOT_FOUND);
  }
}
