package io.credflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.credflow.Config;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --audit-retention} and {@code CREDFLOW_AUDIT_RETENTION}: flags win, as everywhere. */
class AuditRetentionOptionTest {
  private static Config serve(Map<String, String> env, String... args) {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs(args);
    return serve.options.toConfig(env, false);
  }

  @Test
  void toConfigWhenNothingIsSetThenAYearAndTheVariableOrFlagOtherwise() {
    assertThat(serve(Map.of()).auditRetentionDays()).isEqualTo(365);
    assertThat(serve(Map.of("CREDFLOW_AUDIT_RETENTION", "30")).auditRetentionDays()).isEqualTo(30);
    assertThat(
            serve(Map.of("CREDFLOW_AUDIT_RETENTION", "30"), "--audit-retention", "0")
                .auditRetentionDays())
        .isZero();
  }

  @Test
  void toConfigWhenTheRetentionIsNegativeOrNoNumberThenItSaysWhichFlagToFix() {
    for (String wrong : new String[] {"-1", "a year", "36501"}) {
      assertThatThrownBy(() -> serve(Map.of(), "--audit-retention", wrong))
          .isInstanceOf(Config.InvalidConfigException.class)
          .hasMessageContaining("--audit-retention/CREDFLOW_AUDIT_RETENTION")
          .hasMessageContaining(wrong);
    }
  }
}
