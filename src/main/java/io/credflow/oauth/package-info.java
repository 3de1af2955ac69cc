/**
 * OAuth2 for credentials: the authorization-code round trip with PKCE, Instagram's short-lived to
 * long-lived exchange, and the refresh lifecycle (schedule, single flight, lease, fencing).
 */
package io.credflow.oauth;
