/**
 * How people sign in to the console: Argon2id passwords, database-held sessions every process
 * shares, and the one-time links that set a password.
 */
package io.credflow.account;
