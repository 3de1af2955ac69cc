package io.credflow.console.view;

import java.util.List;
import java.util.Optional;

/**
 * What of a workspace's credentials (or of one credential) expires within the warning window that
 * no refresh renews: a summary ("2 credentials expire within 7 days"), and per item the credential
 * and its page, what expires and when, and what to do (with the page to do it on, if any).
 */
public record ExpiryBanner(String summary, List<Item> items) {
  public ExpiryBanner {
    items = List.copyOf(items);
  }

  public static final ExpiryBanner NONE = new ExpiryBanner("", List.of());

  /** One expiry: e.g. "its refresh token expires 2030-01-05 12:00 UTC (in 3 d 2 h)". */
  public record Item(
      String credentialName,
      String href,
      String what,
      String todo,
      Optional<String> actionLabel,
      Optional<String> actionHref) {}

  public boolean shown() {
    return !items.isEmpty();
  }
}
