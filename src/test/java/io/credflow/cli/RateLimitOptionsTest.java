package io.credflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.Config;
import io.credflow.api.RateLimits;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The rate-limit flags and their variables: flags win, as everywhere. */
class RateLimitOptionsTest {
  private static RateLimits.Settings serve(Map<String, String> env, String... args) {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs(args);
    Config config = serve.options.toConfig(env, false);
    return config.rateLimits();
  }

  @Test
  void toConfigWhenVariablesAreSetThenTheyAreTheLimitsUnlessFlagsAreGiven() {
    Map<String, String> env =
        Map.of(
            "CREDFLOW_RATE_LIMIT", "1200",
            "CREDFLOW_AUTH_FAILURE_LIMIT", "50",
            "CREDFLOW_TRUSTED_PROXY", " 10.0.0.7 ,,10.1.0.0/16");

    RateLimits.Settings fromEnv = serve(env);
    assertThat(fromEnv.requestsPerKeyPerMinute()).isEqualTo(1200);
    assertThat(fromEnv.authFailuresPerAddressPerMinute()).isEqualTo(50);
    assertThat(fromEnv.clients().trustsProxies()).isTrue();

    RateLimits.Settings fromFlags =
        serve(env, "--rate-limit", "0", "--auth-failure-limit", "5", "--trusted-proxy", "::1");
    assertThat(fromFlags.requestsPerKeyPerMinute()).isZero();
    assertThat(fromFlags.authFailuresPerAddressPerMinute()).isEqualTo(5);
    assertThat(fromFlags.clients().trustsProxies()).isTrue();
  }

  @Test
  void toConfigWhenNothingIsSetThenTheDefaults() {
    RateLimits.Settings defaults = serve(Map.of());
    assertThat(defaults).isEqualTo(RateLimits.Settings.defaults());
  }
}
