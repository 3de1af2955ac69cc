package io.credflow.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.common.Secret;
import io.credflow.testing.SettableClock;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * An authenticated caller is reused for {@link TenancyService#CALLER_RECHECK} on the injected
 * clock: a change made elsewhere (here: straight in the repository) shows once the clock moves past
 * it, and not before.
 */
class CallerRecheckTest {
  private static final Secret KEY = Secret.of("cfk_test-key");
  private static final User ADA = new User("u1", "ada@example.com", false, Instant.EPOCH, 1);

  private final SettableClock clock = new SettableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final AtomicInteger reads = new AtomicInteger();
  private final AtomicReference<Optional<User>> stored = new AtomicReference<>(Optional.of(ADA));
  private final TenancyService tenancy = new TenancyService(repository(), null, clock);

  @Test
  void authenticateWhenWithinTheRecheckThenTheRepositoryIsReadOnce() {
    assertThat(tenancy.authenticate(Optional.empty(), KEY)).isPresent();
    clock.advance(TenancyService.CALLER_RECHECK.minusMillis(1));

    assertThat(tenancy.authenticate(Optional.empty(), KEY)).isPresent();
    assertThat(reads).hasValue(1);
  }

  @Test
  void authenticateWhenTheClockMovesPastTheRecheckThenAKeyRevokedElsewhereIsRefused() {
    assertThat(tenancy.authenticate(Optional.empty(), KEY)).isPresent();
    stored.set(Optional.empty());

    assertThat(tenancy.authenticate(Optional.empty(), KEY)).as("still within").isPresent();
    clock.advance(TenancyService.CALLER_RECHECK);
    assertThat(tenancy.authenticate(Optional.empty(), KEY)).isEmpty();
    assertThat(reads).hasValue(2);
  }

  @Test
  void authenticateWhenTheClockWentBackThenTheCallerIsReadAgain() {
    assertThat(tenancy.authenticate(Optional.empty(), KEY)).isPresent();
    clock.advance(Duration.ofMinutes(-5));

    assertThat(tenancy.authenticate(Optional.empty(), KEY)).isPresent();
    assertThat(reads).hasValue(2);
  }

  /** Answers only the principal lookup that authentication makes; anything else is a test bug. */
  private TenancyRepository repository() {
    byte[] digest = ApiKeys.digest(KEY);
    return (TenancyRepository)
        Proxy.newProxyInstance(
            TenancyRepository.class.getClassLoader(),
            new Class<?>[] {TenancyRepository.class},
            (proxy, method, args) -> {
              if (!method.getName().equals("findPrincipalByKeyDigest")) {
                throw new UnsupportedOperationException(method.getName());
              }
              reads.incrementAndGet();
              return stored
                  .get()
                  .map(
                      u ->
                          new TenancyRepository.Principal(
                              new TenancyRepository.UserKey(u, digest), List.of()));
            });
  }
}
