package io.credflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.credflow.api.RateLimits;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitConfigTest {
  @Test
  void buildWhenNothingIsSetThenTwentyFailuresAndAGenerousLimitPerKeyAndNoTrustedProxy() {
    RateLimits.Settings limits = Config.builder().build().rateLimits();

    assertThat(limits.authFailuresPerAddressPerMinute()).isEqualTo(20);
    assertThat(limits.requestsPerKeyPerMinute()).isEqualTo(60_000);
    assertThat(limits.clients().trustsProxies()).isFalse();
  }

  @Test
  void buildWhenLimitsAndProxiesAreGivenThenTheyAreUsedAndZeroTurnsALimitOff() {
    RateLimits.Settings limits =
        Config.builder()
            .rateLimit(" 600 ")
            .authFailureLimit("0")
            .trustedProxies(List.of("10.0.0.7", "10.1.0.0/16", "fd00::/8"))
            .build()
            .rateLimits();

    assertThat(limits.requestsPerKeyPerMinute()).isEqualTo(600);
    assertThat(limits.authFailuresPerAddressPerMinute()).isZero();
    assertThat(limits.clients().trustsProxies()).isTrue();
  }

  @Test
  void buildWhenLimitsOrProxiesAreWrongThenEveryProblemIsNamedWithItsFlag() {
    assertThatThrownBy(
            () ->
                Config.builder()
                    .rateLimit("lots")
                    .authFailureLimit("-1")
                    .trustedProxies(List.of("lb.internal"))
                    .build())
        .isInstanceOfSatisfying(
            Config.InvalidConfigException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(3)
                    .anySatisfy(p -> assertThat(p).startsWith("--rate-limit/CREDFLOW_RATE_LIMIT"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .startsWith("--auth-failure-limit/CREDFLOW_AUTH_FAILURE_LIMIT"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .startsWith("--trusted-proxy/CREDFLOW_TRUSTED_PROXY")
                                .contains("lb.internal")
                                .contains("not resolved")));
  }

  @Test
  void buildWhenACidrPrefixIsTooLongThenRefused() {
    assertThatThrownBy(() -> Config.builder().trustedProxies(List.of("10.0.0.0/33")).build())
        .hasMessageContaining("10.0.0.0/33")
        .hasMessageContaining("0..32");
  }
}
