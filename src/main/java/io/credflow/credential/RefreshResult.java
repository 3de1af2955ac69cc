package io.credflow.credential;

import java.util.Objects;

/**
 * What a refresh did: the credential as stored afterwards, and what happened to it, so that whoever
 * asked can say so (a person asking for a refresh must not read "ready" when nothing was
 * refreshed).
 */
public record RefreshResult(Credential credential, Outcome outcome) {
  public RefreshResult {
    Objects.requireNonNull(credential, "credential");
    Objects.requireNonNull(outcome, "outcome");
  }

  /** What happened, closed. */
  public sealed interface Outcome {
    /** The provider issued new tokens, and they are stored. */
    record Refreshed() implements Outcome {}

    /**
     * Nothing was sent, and nothing needed to be: another refresh or a re-authentication replaced
     * the tokens meanwhile, or they still outlive the refresh skew. {@code detail} says which.
     */
    record NotNeeded(String detail) implements Outcome {}

    /** The provider must not be asked yet (or ever, with these tokens); {@code detail} says why. */
    record NotYet(String detail) implements Outcome {}

    /**
     * The provider refused the grant: the credential is now {@code needs_reauth}, for this reason.
     */
    record NeedsReauth(CredentialError reason) implements Outcome {}

    /**
     * No new tokens (the provider is unavailable, refused the client, or is on an address Credflow
     * does not call): retried later with backoff, the credential keeping the token it has.
     */
    record Failed(String code, String detail) implements Outcome {}

    /** A stable name for the outcome, e.g. for an answer's {@code meta}. */
    default String wireName() {
      return switch (this) {
        case Refreshed r -> "refreshed";
        case NotNeeded n -> "not_needed";
        case NotYet n -> "not_yet";
        case NeedsReauth n -> "needs_reauth";
        case Failed f -> "failed";
      };
    }
  }
}
