/**
 * The shared kernel every feature uses: the exception family, validation violations, the {@link
 * io.credflow.common.Secret} wrapper that never prints its value, ids and pages.
 */
package io.credflow.common;
