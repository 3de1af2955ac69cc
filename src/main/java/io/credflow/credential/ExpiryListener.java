package io.credflow.credential;

import io.credflow.authclient.AuthClientSettings;
import java.time.Instant;
import java.util.Optional;

/**
 * Told of a credential's new tokens and failed refreshes, for what expires ahead of its access
 * token ({@link ExpiryWatch}); {@link #NONE} where nothing watches expiries.
 */
public interface ExpiryListener {
  /**
   * New tokens were stored for {@code c}, made with an auth-client of {@code settings}: {@code
   * reported} is when the provider said the refresh token expires; {@code newRefreshToken} whether
   * the refresh token is a new one (not the one kept from before).
   */
  void issued(
      Credential c,
      AuthClientSettings settings,
      Optional<Instant> reported,
      boolean newRefreshToken);

  /** A refresh of {@code c} failed, and is retried later. */
  void refreshFailed(Credential c);

  ExpiryListener NONE =
      new ExpiryListener() {
        @Override
        public void issued(
            Credential c,
            AuthClientSettings settings,
            Optional<Instant> reported,
            boolean newRefreshToken) {}

        @Override
        public void refreshFailed(Credential c) {}
      };
}
