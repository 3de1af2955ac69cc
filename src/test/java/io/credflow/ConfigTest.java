package io.credflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigTest {
  @Test
  void buildWhenNothingIsSetThenDefaultsAreH2InDataAndPort8080() {
    Config c = Config.builder().build();
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.dataDir()).isEqualTo(Path.of("data"));
    assertThat(c.dbUrl()).startsWith("jdbc:h2:file:").contains("credflow");
    assertThat(c.keysetPath()).isEqualTo(Path.of("data", "keyset.json"));
    assertThat(c.publicUrl().toString()).isEqualTo("http://localhost:8080");
    assertThat(c.allowPrivateNetwork()).isFalse();
  }

  @Test
  void buildWhenSeveralValuesAreWrongThenEveryProblemIsReportedTogether() {
    assertThatThrownBy(
            () ->
                Config.builder()
                    .port("eighty")
                    .dbUrl("jdbc:mysql://x/y")
                    .publicUrl("ftp://x")
                    .adminApiKey("short")
                    .build())
        .isInstanceOfSatisfying(
            Config.InvalidConfigException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(4)
                    .anySatisfy(p -> assertThat(p).contains("--port"))
                    .anySatisfy(p -> assertThat(p).contains("CREDFLOW_DB_URL"))
                    .anySatisfy(p -> assertThat(p).contains("CREDFLOW_PUBLIC_URL"))
                    .anySatisfy(p -> assertThat(p).contains("CREDFLOW_ADMIN_API_KEY")));
  }

  @Test
  void buildWhenPortIsOutOfRangeThenRefused() {
    assertThatThrownBy(() -> Config.builder().port("70000").build())
        .hasMessageContaining("0..65535");
  }

  @Test
  void buildWhenDemoThenPrivateNetworkIsAllowed() {
    assertThat(Config.builder().demo(true).build().allowPrivateNetwork()).isTrue();
  }

  @Test
  void toStringWhenSecretsAreConfiguredThenTheyAreMasked() {
    Config c =
        Config.builder()
            .dbPassword("db-password-canary")
            .adminApiKey("admin-key-canary-0123456789")
            .build();
    assertThat(c.toString()).doesNotContain("db-password-canary", "admin-key-canary");
  }

  @Test
  void buildWhenTheAdminPasswordIsTooShortThenReportedWithTheOtherProblemsWithoutIt() {
    assertThatThrownBy(() -> Config.builder().port("eighty").adminPassword("hunter2").build())
        .isInstanceOfSatisfying(
            Config.InvalidConfigException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(2)
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .startsWith("CREDFLOW_ADMIN_PASSWORD: ")
                                .contains("at least 12 characters")))
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void buildWhenTheAdminPasswordIsGivenThenItIsKeptAndPrintedMasked() {
    Config c = Config.builder().adminPassword("admin-password-canary").build();
    assertThat(c.adminPassword()).contains(io.credflow.common.Secret.of("admin-password-canary"));
    assertThat(c.toString()).doesNotContain("admin-password-canary").contains("adminPassword=");
    assertThat(Config.builder().build().adminPassword()).isEmpty();
    assertThat(Config.builder().adminPassword("").build().adminPassword()).isEmpty();
  }

  @Test
  void buildWhenDbUrlCarriesAPasswordThenTheErrorDoesNotEchoIt() {
    assertThatThrownBy(() -> Config.builder().dbUrl("jdbc:oracle:x?password=hunter2").build())
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void buildWhenOutboundDestinationsAreAllowedThenEachIsAnAddressAndPort() {
    Config c = Config.builder().allowOutbound(List.of("10.0.0.5:8443", "[fd00::5]:443")).build();
    assertThat(c.allowOutbound())
        .extracting(Object::toString)
        .containsExactly("10.0.0.5:8443", "[fd00::5]:443");
    assertThat(c.allowPrivateNetwork()).isFalse();
    assertThat(c.toString()).contains("allowOutbound=[10.0.0.5:8443, [fd00::5]:443]");
    assertThat(Config.builder().build().allowOutbound()).isEmpty();
  }

  @Test
  void buildWhenAllowedDestinationsAreWrongThenEachIsReportedWithTheOtherProblems() {
    assertThatThrownBy(
            () ->
                Config.builder()
                    .port("eighty")
                    .allowOutbound(
                        List.of("10.0.0.5:8443", "api.internal:443", "169.254.169.254:80"))
                    .build())
        .isInstanceOfSatisfying(
            Config.InvalidConfigException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(3)
                    .anySatisfy(p -> assertThat(p).contains("--port"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .startsWith("--allow-outbound/CREDFLOW_ALLOW_OUTBOUND: ")
                                .contains("\"api.internal:443\" names a host, not an address"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .contains("\"169.254.169.254:80\" is a cloud metadata address")));
  }
}
