/**
 * The command line: {@code credflow serve} (the server, with {@code --demo}), {@code credflow keys}
 * (rotation and re-encryption of secrets at rest).
 */
package io.credflow.cli;
