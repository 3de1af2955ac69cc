/**
 * Credentials: one account's authorization in one workspace, made with an auth-client for a
 * component, and the authorization (header or query parameter) each one produces.
 */
package io.credflow.credential;
