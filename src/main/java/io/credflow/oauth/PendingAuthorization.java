package io.credflow.oauth;

import io.credflow.common.Secret;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;

/**
 * One Authenticate round trip: who started it, for which auth-client, component and workspace, its
 * PKCE verifier, and where it stands ({@link Stage}). Found by the SHA-256 digest of its state;
 * single use; expires after ten minutes.
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
    Stage stage,
    Instant createdAt,
    Instant expiresAt,
    Instant updatedAt) {

  /** Where a round trip stands; each stage holds exactly what it knows. */
  public sealed interface Stage {
    /** Started; the provider has not redirected back. */
    record Pending() implements Stage {}

    /** The callback recorded a code; saving the credential will redeem it. */
    record CodeReceived(Secret code) implements Stage {}

    /** The provider answered with an error instead of a code. */
    record Failed(String errorCode, String detail) implements Stage {}

    /** The code was redeemed (or is being redeemed): never again. */
    record Redeemed(Optional<String> credentialId) implements Stage {}

    /** The stage's name, as stored and as transitions compare it. */
    default Status status() {
      return switch (this) {
        case Pending p -> Status.PENDING;
        case CodeReceived c -> Status.CODE_RECEIVED;
        case Failed f -> Status.FAILED;
        case Redeemed r -> Status.REDEEMED;
      };
    }
  }

  /** The stages by name: what a transition expects to find stored. */
  public enum Status {
    PENDING,
    CODE_RECEIVED,
    FAILED,
    REDEEMED
  }

  public Status status() {
    return stage.status();
  }

  /** A new round trip, before the provider redirected back. */
  public static PendingAuthorization started(
      String stateDigest,
      String workspaceId,
      String authClientId,
      String componentId,
      String userId,
      Optional<String> credentialId,
      Optional<String> credentialName,
      URI redirectUri,
      Optional<Secret> codeVerifier,
      Instant now,
      Instant expiresAt) {
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
        new Stage.Pending(),
        now,
        expiresAt,
        now);
  }

  /** The same round trip at {@code next}. */
  public PendingAuthorization at(Stage next, Instant now) {
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
        next,
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
        + status()
        + "]";
  }
}
