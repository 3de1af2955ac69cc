package io.credflow.api;

import io.credflow.common.CredflowException;
import java.util.Optional;

/**
 * A request the HTTP edge refuses before the domain sees it: malformed JSON, wrong media type, a
 * missing API key, an oversized body, a bad query parameter.
 */
public final class ApiException extends CredflowException {
  private final int status;
  private final String pointer;
  private final String parameter;

  private ApiException(int status, String code, String detail, String pointer, String parameter) {
    super(code, detail);
    this.status = status;
    this.pointer = pointer;
    this.parameter = parameter;
  }

  public static ApiException of(int status, String code, String detail) {
    return new ApiException(status, code, detail, null, null);
  }

  /** An error about a member of the request document. */
  public static ApiException atPointer(int status, String code, String detail, String pointer) {
    return new ApiException(status, code, detail, pointer, null);
  }

  /** An error about a query parameter. */
  public static ApiException atParameter(int status, String code, String detail, String parameter) {
    return new ApiException(status, code, detail, null, parameter);
  }

  public int status() {
    return status;
  }

  public Optional<String> pointer() {
    return Optional.ofNullable(pointer);
  }

  public Optional<String> parameter() {
    return Optional.ofNullable(parameter);
  }
}
