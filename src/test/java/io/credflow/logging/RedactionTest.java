package io.credflow.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {
  @Test
  void redactWhenUrlCarriesTokensThenEveryTokenParameterIsMasked() {
    String line =
        "GET https://graph.example.com/refresh?grant_type=ig_refresh_token&access_token=LONG123"
            + "&client_secret=S3CR3T&code=abc#_ failed";
    String out = Redaction.redact(line);
    assertThat(out).doesNotContain("LONG123", "S3CR3T", "code=abc");
    assertThat(out).contains("grant_type=ig_refresh_token", "access_token=********");
  }

  @Test
  void redactWhenJsonHasSecretMembersThenValuesAreMasked() {
    String out =
        Redaction.redact(
            "{\"access_token\":\"tok-1\",\"refresh_token\":\"ref-2\",\"token_type\":\"bearer\"}");
    assertThat(out).doesNotContain("tok-1", "ref-2").contains("\"token_type\":\"bearer\"");
  }

  @Test
  void redactWhenAuthorizationValuesOrApiKeysAppearThenMasked() {
    String out =
        Redaction.redact(
            "Authorization: Bearer abc.def.ghi and Basic dXNlcjpwYXNz key cfk_abcdefghijklmnop");
    assertThat(out).doesNotContain("abc.def.ghi", "dXNlcjpwYXNz", "abcdefghijklmnop");
  }

  @Test
  void redactWhenNothingSecretThenTextIsUnchanged() {
    String line = "credential 42 refreshed in 12 ms";
    assertThat(Redaction.redact(line)).isEqualTo(line);
  }
}
