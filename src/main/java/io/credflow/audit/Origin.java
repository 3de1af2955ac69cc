package io.credflow.audit;

import java.util.Objects;
import java.util.Optional;

/**
 * From where and why a request came: the client's address (as the rate limits compute it, proxies
 * considered) and the reason the client gave ({@code ?reason=}, trimmed, at most {@link
 * #MAX_REASON} characters, no control characters). Empty for work Credflow starts itself.
 */
public record Origin(Optional<String> clientAddress, Optional<String> reason) {
  /** The longest reason kept. */
  public static final int MAX_REASON = 500;

  public static final Origin NONE = new Origin(Optional.empty(), Optional.empty());

  public Origin {
    Objects.requireNonNull(clientAddress, "clientAddress");
    Objects.requireNonNull(reason, "reason");
  }

  /** The same origin with {@code reason}. */
  public Origin withReason(String reason) {
    return new Origin(clientAddress, Optional.of(reason));
  }

  /** The same origin with {@code reason} unless one was given. */
  public Origin orReason(String fallback) {
    return reason.isPresent() ? this : new Origin(clientAddress, Optional.of(fallback));
  }
}
