package io.credflow.common;

/** A provider or upstream API failed to answer usefully; the request may succeed later (502). */
public final class UpstreamException extends CredflowException {
  public UpstreamException(String code, String message) {
    super(code, message);
  }
}
