package io.credflow.executor;

import java.util.Map;

/**
 * What the request action returns: the upstream's status, its headers as received (a value, or a
 * list of values for a repeated header), and the decoded body (JSON value, XML as JSON, text, or
 * base64).
 */
public record RequestResult(int statusCode, Map<String, Object> headers, Object responseBody) {}
