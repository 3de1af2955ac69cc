package io.credflow.tenancy;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One of a user's API keys as its owner sees it: a name and dates, never the key, which exists
 * outside a digest only once, in the answer that made it.
 */
public record ApiKey(String id, String name, Instant createdAt, Optional<Instant> revokedAt) {
  /** The name of the key every user got with its account before keys had names. */
  public static final String FIRST_KEY_NAME = "first key";

  public ApiKey {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(revokedAt, "revokedAt");
  }

  /** Whether the key no longer authenticates. */
  public boolean revoked() {
    return revokedAt.isPresent();
  }
}
