package io.credflow.oauth;

import io.credflow.common.Secret;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;

/**
 * One Authenticate round trip: who started it, for which auth-client, component and workspace, its
 * PKCE verifier and, once the provider redirected back, the code. Found by the SHA-256 digest of
 * its state; single use; expires after ten minutes.
 */
public record PendingAuthorization(
    String stateDigest,
    String workspaceId,
    String authClientId,
    String componentId,
    String userId,
    Optional<String> credentialId,
    Optional<String> credentialName,
    URI redirectUri,
    Optional<Secret> codeVerifier,
    Optional<Secret> code,
    Status status,
    Optional<String> errorCode,
    Optional<String> errorDetail,
    Optional<String> resultCredentialId,
    Instant createdAt,
    Instant expiresAt,
    Instant updatedAt) {

  /** Where the round trip stands. */
  public enum Status {
    /** Started; the provider has not redirected back. */
    PENDING,
    /** The callback recorded a code; saving the credential will redeem it. */
    CODE_RECEIVED,
    /** The provider answered with an error. */
    FAILED,
    /** The code was redeemed (or is being redeemed): never again. */
    REDEEMED
  }

  public PendingAuthorization withCode(Secret newCode, Instant now) {
    return new PendingAuthorization(
        stateDigest,
        workspaceId,
        authClientId,
        componentId,
        userId,
        credentialId,
        credentialName,
        redirectUri,
        codeVerifier,
        Optional.of(newCode),
        Status.CODE_RECEIVED,
        errorCode,
        errorDetail,
        resultCredentialId,
        createdAt,
        expiresAt,
        now);
  }

  public PendingAuthorization failed(String code, String detail, Instant now) {
    return new PendingAuthorization(
        stateDigest,
        workspaceId,
        authClientId,
        componentId,
        userId,
        credentialId,
        credentialName,
        redirectUri,
        codeVerifier,
        this.code,
        Status.FAILED,
        Optional.of(code),
        Optional.of(detail),
        resultCredentialId,
        createdAt,
        expiresAt,
        now);
  }

  public PendingAuthorization redeemed(Optional<String> result, Instant now) {
    return new PendingAuthorization(
        stateDigest,
        workspaceId,
        authClientId,
        componentId,
        userId,
        credentialId,
        credentialName,
        redirectUri,
        codeVerifier,
        code,
        Status.REDEEMED,
        errorCode,
        errorDetail,
        result,
        createdAt,
        expiresAt,
        now);
  }

  @Override
  public String toString() {
    return "PendingAuthorization[workspace="
        + workspaceId
        + ", authClient="
        + authClientId
        + ", status="
        + status
        + "]";
  }
}
