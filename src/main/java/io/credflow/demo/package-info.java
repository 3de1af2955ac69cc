/**
 * Credflow's built-in demo OAuth 2.0 provider, served under {@code /demo/oauth2} by {@code serve
 * --demo} only, so that a newcomer can click through Authenticate offline; it keeps all in memory.
 */
package io.credflow.demo;
