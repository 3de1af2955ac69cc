package io.credflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.credflow.Config;
import io.credflow.logging.LogFormat;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --log-format} and {@code --shutdown-grace}, from flags and environment. */
class OperationsOptionsTest {
  private static Config serve(Map<String, String> env, String... args) {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs(args);
    return serve.options.toConfig(env, false);
  }

  @Test
  void toConfigWhenNothingIsSaidThenTextLogsAndATwentySecondGrace() {
    Config c = serve(Map.of());

    assertThat(c.logFormat()).isEqualTo(LogFormat.TEXT);
    assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void toConfigWhenTheVariablesAreSetThenTheyApplyUnlessFlagsAreGiven() {
    Map<String, String> env = Map.of("CREDFLOW_LOG_FORMAT", "JSON", "CREDFLOW_SHUTDOWN_GRACE", "8");

    Config fromEnv = serve(env);
    assertThat(fromEnv.logFormat()).isEqualTo(LogFormat.JSON);
    assertThat(fromEnv.shutdownGrace()).isEqualTo(Duration.ofSeconds(8));

    Config fromFlags = serve(env, "--log-format", "text", "--shutdown-grace", "0");
    assertThat(fromFlags.logFormat()).isEqualTo(LogFormat.TEXT);
    assertThat(fromFlags.shutdownGrace()).isZero();
  }

  @Test
  void toConfigWhenTheValuesAreWrongThenStartIsRefusedNamingBothFlags() {
    assertThatThrownBy(() -> serve(Map.of(), "--log-format", "logfmt", "--shutdown-grace", "-1"))
        .isInstanceOf(Config.InvalidConfigException.class)
        .hasMessageContaining("--log-format/CREDFLOW_LOG_FORMAT must be text or json")
        .hasMessageContaining("\"logfmt\"")
        .hasMessageContaining("--shutdown-grace/CREDFLOW_SHUTDOWN_GRACE")
        .hasMessageContaining("from 0 to 3600");
    assertThatThrownBy(() -> serve(Map.of("CREDFLOW_SHUTDOWN_GRACE", "20s")))
        .isInstanceOf(Config.InvalidConfigException.class)
        .hasMessageContaining("--shutdown-grace/CREDFLOW_SHUTDOWN_GRACE");
  }
}
