/**
 * The REST API component's HTTP request action: a request spec (method, JSONata url, headers and
 * body over the message) executed with a credential's authorization, with the component's retry,
 * redirect, error-policy and response semantics. {@link io.credflow.executor.RestApiAction} is the
 * one entry point; the HTTP API and the command line both go through it.
 */
package io.credflow.executor;
