package io.credflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Behind a trusted proxy ({@code --trusted-proxy}) the failure limit counts the client address the
 * proxy appended to {@code X-Forwarded-For}, not the proxy's, and never what a client wrote to the
 * left of it. The tests' loopback connection plays the load balancer.
 */
class TrustedProxyRateLimitTest {
  private static final String WRONG_KEY = "cfk_not-a-key-of-anyone-0123456789";

  @RegisterExtension
  final CredflowExtension credflow =
      CredflowExtension.h2()
          .manualTime()
          .configure(c -> c.trustedProxies(List.of("127.0.0.0/8", "::1")));

  private int wrongKeyFrom(String forwardedFor) {
    Api api = credflow.server().as(WRONG_KEY);
    return api.send(api.builder("/v2/workspaces").header("X-Forwarded-For", forwardedFor).GET())
        .status();
  }

  private void failTwentyTimesFrom(String forwardedFor) {
    for (int i = 0; i < 20; i++) {
      assertThat(wrongKeyFrom(forwardedFor)).isEqualTo(401);
    }
  }

  @Test
  void authenticateWhenOneClientBehindTheProxyIsLimitedThenAnotherIsNot() {
    failTwentyTimesFrom("203.0.113.5");

    assertThat(wrongKeyFrom("203.0.113.5")).isEqualTo(429);
    assertThat(wrongKeyFrom("203.0.113.6")).isEqualTo(401);
  }

  @Test
  void authenticateWhenAClientPrependsAddressesThenTheOneTheProxyAppendedIsCounted() {
    failTwentyTimesFrom("203.0.113.5");

    assertThat(wrongKeyFrom("198.51.100.1, 203.0.113.5")).isEqualTo(429);
    assertThat(wrongKeyFrom("not-an-address, 203.0.113.5")).isEqualTo(429);
  }

  @Test
  void authenticateWhenSeveralTrustedProxiesAppendedThenTheFirstUntrustedHopIsCounted() {
    failTwentyTimesFrom("203.0.113.5, 127.0.0.9");

    assertThat(wrongKeyFrom("203.0.113.5")).isEqualTo(429);
  }

  @Test
  void authenticateWhenIpv6ClientsShareA64ThenTheyShareALimit() {
    failTwentyTimesFrom("2001:db8:0:7::1");

    assertThat(wrongKeyFrom("2001:db8:0:7::ffff")).isEqualTo(429);
    assertThat(wrongKeyFrom("2001:db8:0:8::1")).isEqualTo(401);
  }
}
