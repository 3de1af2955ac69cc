package io.credflow.flow;

import io.credflow.executor.RequestSpec;

/**
 * One step of a flow: the REST API component's {@code httpRequest} function, sent with {@code
 * credentialId}. {@code config} is the request configuration as it was given (kept to show and
 * store); {@code spec} is the same, parsed.
 */
public record Step(
    String id,
    String name,
    String componentId,
    String function,
    String credentialId,
    Object config,
    RequestSpec spec) {
  /** The one function the REST API component has. */
  public static final String HTTP_REQUEST = "httpRequest";
}
