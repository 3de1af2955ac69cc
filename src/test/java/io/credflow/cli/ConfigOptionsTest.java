package io.credflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.credflow.Config;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The allowlist from flags and environment: repeatable flags, a comma-separated variable. */
class ConfigOptionsTest {
  private static Config serve(Map<String, String> env, String... args) {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs(args);
    return serve.options.toConfig(env, false);
  }

  @Test
  void toConfigWhenAllowOutboundIsRepeatedThenEveryDestinationIsAllowed() {
    Config c =
        serve(Map.of(), "--allow-outbound", "10.0.0.5:8443", "--allow-outbound", "[fd00::5]:443");
    assertThat(c.allowOutbound())
        .extracting(Object::toString)
        .containsExactly("10.0.0.5:8443", "[fd00::5]:443");
  }

  @Test
  void toConfigWhenTheVariableListsDestinationsThenTheyAreAllowedUnlessFlagsAreGiven() {
    Map<String, String> env = Map.of("CREDFLOW_ALLOW_OUTBOUND", " 10.0.0.5:8443 ,,127.0.0.1:9000");
    assertThat(serve(env).allowOutbound())
        .extracting(Object::toString)
        .containsExactly("10.0.0.5:8443", "127.0.0.1:9000");
    assertThat(serve(env, "--allow-outbound", "10.0.0.6:80").allowOutbound())
        .extracting(Object::toString)
        .containsExactly("10.0.0.6:80");
    assertThat(serve(Map.of()).allowOutbound()).isEmpty();
  }

  @Test
  void toConfigWhenAnEntryIsAHostNameThenStartIsRefusedSayingSo() {
    assertThatThrownBy(() -> serve(Map.of("CREDFLOW_ALLOW_OUTBOUND", "db.internal:5432")))
        .isInstanceOf(Config.InvalidConfigException.class)
        .hasMessageContaining("--allow-outbound/CREDFLOW_ALLOW_OUTBOUND")
        .hasMessageContaining("names a host, not an address");
  }

  @Test
  void toConfigWhenTheAdminPasswordVariableIsSetThenItIsTheAdminPassword() {
    Config c = serve(Map.of("CREDFLOW_ADMIN_PASSWORD", "a long admin password"));
    assertThat(c.adminPassword().orElseThrow().reveal()).isEqualTo("a long admin password");
    assertThatThrownBy(() -> serve(Map.of("CREDFLOW_ADMIN_PASSWORD", "short")))
        .isInstanceOf(Config.InvalidConfigException.class)
        .hasMessageContaining("CREDFLOW_ADMIN_PASSWORD")
        .hasMessageNotContaining("short\"");
  }

  @Test
  void toConfigWhenExpiryWarningIsGivenThenItIsTheWindowInDaysAndABadOneIsRefused() {
    assertThat(serve(Map.of()).expiryWarning()).isEqualTo(java.time.Duration.ofDays(7));
    assertThat(serve(Map.of("CREDFLOW_EXPIRY_WARNING", "14")).expiryWarning())
        .isEqualTo(java.time.Duration.ofDays(14));
    assertThat(
            serve(Map.of("CREDFLOW_EXPIRY_WARNING", "14"), "--expiry-warning", "3").expiryWarning())
        .isEqualTo(java.time.Duration.ofDays(3));
    assertThatThrownBy(() -> serve(Map.of(), "--expiry-warning", "a week"))
        .isInstanceOf(Config.InvalidConfigException.class)
        .hasMessageContaining("--expiry-warning/CREDFLOW_EXPIRY_WARNING")
        .hasMessageContaining("from 0 to 3650");
  }
}
