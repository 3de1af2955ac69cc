/**
 * Logging guards: a layout that redacts anything shaped like a secret from every log line, as the
 * last line of defence behind {@link io.credflow.common.Secret}'s mask.
 */
package io.credflow.logging;
