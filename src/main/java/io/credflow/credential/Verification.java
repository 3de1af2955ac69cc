package io.credflow.credential;

import io.credflow.authclient.VerifyRequest;
import io.credflow.tenancy.Caller;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How a check of a credential went: {@code ok} when it works, {@code checkedAt}, whether a request
 * was sent ({@code network}; else what could be checked offline was), the status that request got
 * (none when it got no answer, or none was sent), and a sentence saying what was found. Never
 * carries a secret.
 */
public record Verification(
    boolean ok, Instant checkedAt, boolean network, Optional<Integer> status, String detail) {
  /** Longest detail kept; a longer one is cut. */
  public static final int MAX_DETAIL = 1000;

  public Verification {
    Objects.requireNonNull(checkedAt, "checkedAt");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(detail, "detail");
    detail = detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL - 1) + "…" : detail;
  }

  /** What sending a verify request gave: the status of its answer, if any, and what was found. */
  public record Answer(Optional<Integer> status, String detail) {
    /** A 2xx answer: the credential works. */
    public boolean ok() {
      return status.filter(s -> s >= 200 && s < 300).isPresent();
    }
  }

  /**
   * Sends a credential's verify request with its authorization, as the request executor does;
   * declared here, implemented above, so that credentials do not depend on the executor.
   */
  @FunctionalInterface
  public interface Sender {
    /**
     * The answer to {@code request} sent with {@code credential} on behalf of {@code caller}. Every
     * failure to get an answer is an answer without a status.
     */
    Answer send(Caller caller, Credential credential, VerifyRequest request);
  }
}
