package io.credflow.credential;

import java.time.Instant;
import java.util.Map;

/**
 * One transition in a credential's life ({@code credential.refreshed}, {@code
 * credential.needs_reauth}, …), with a sentence for people. Never carries a secret.
 *
 * @param refs ids of what the event is about besides the credential, by kind (a failed run's {@code
 *     flow}, {@code run} and {@code step}), for event webhooks' payloads; the log does not keep
 *     them
 */
public record CredentialEvent(
    long seq,
    String credentialId,
    String workspaceId,
    String type,
    String detail,
    Instant at,
    Map<String, String> refs) {
  public CredentialEvent {
    refs = Map.copyOf(refs);
  }

  /** An event about the credential alone. */
  public CredentialEvent(
      long seq, String credentialId, String workspaceId, String type, String detail, Instant at) {
    this(seq, credentialId, workspaceId, type, detail, at, Map.of());
  }

  public static final String CREATED = "credential.created";
  public static final String UPDATED = "credential.updated";
  public static final String AUTHENTICATED = "credential.authenticated";
  public static final String REFRESHED = "credential.refreshed";
  public static final String REFRESH_FAILED = "credential.refresh_failed";
  public static final String NEEDS_REAUTH = "credential.needs_reauth";
  public static final String ERROR = "credential.error";
  public static final String REVOKED = "credential.revoked";
  public static final String REVOCATION_FAILED = "credential.revocation_failed";
  public static final String DELETED = "credential.deleted";
  public static final String VERIFIED = "credential.verified";
  public static final String VERIFICATION_FAILED = "credential.verification_failed";
  public static final String EXPIRING_SOON = "credential.expiring_soon";

  /** An event to record now; the log assigns {@code seq}. */
  public static CredentialEvent of(Credential c, String type, String detail, Instant at) {
    return new CredentialEvent(0, c.id(), c.workspaceId(), type, detail, at);
  }
}
