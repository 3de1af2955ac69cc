/**
 * Logging guards and output: text or JSON lines, both redacting anything shaped like a secret, as
 * the last line of defence behind {@link io.credflow.common.Secret}'s mask.
 */
package io.credflow.logging;
