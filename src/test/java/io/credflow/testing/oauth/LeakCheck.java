package io.credflow.testing.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.testing.Api;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A grep of every response a test saw for every secret it met: register it on an instance field
 * ({@code @RegisterExtension final LeakCheck leaks = new LeakCheck(clientSecret)}), pass responses
 * through {@link #seen}, name secrets with {@link #secret}; after the test (and after its own
 * {@code @AfterEach} methods, which may add more) it fails if any response carried any secret, or
 * if the test saw no response at all (a check of nothing proves nothing).
 */
public final class LeakCheck implements AfterEachCallback {
  private final List<String> received = Collections.synchronizedList(new ArrayList<>());
  private final Set<String> secrets = Collections.synchronizedSet(new LinkedHashSet<>());

  /** A check that knows {@code known} (e.g. the client secrets) from the start. */
  public LeakCheck(String... known) {
    secrets(List.of(known));
  }

  /** Records {@code r} (its body and headers) as seen by the caller; returns it. */
  public Api.Response seen(Api.Response r) {
    received.add(r.text() + "\n" + r.raw().headers().map());
    return r;
  }

  /** A secret no response may carry. */
  public void secret(String secret) {
    secrets.add(secret);
  }

  public void secrets(Collection<String> more) {
    secrets.addAll(more);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    List<String> texts;
    synchronized (received) {
      texts = List.copyOf(received);
    }
    assertThat(texts).isNotEmpty();
    for (String secret : Set.copyOf(secrets)) {
      assertThat(secret).isNotBlank();
      for (String text : texts) {
        assertThat(text).as("a response carried a secret").doesNotContain(secret);
      }
    }
  }
}
