package io.credflow.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.credflow.common.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseEncodingTest {
  private static final String POINTER = "/data/attributes/config/responseEncoding";

  @ParameterizedTest
  @CsvSource({
    "utf8, UTF8",
    "utf-8, UTF8",
    "UTF-8, UTF8",
    "Utf8, UTF8",
    "base64, BASE64",
    "BASE64, BASE64"
  })
  void parseWhenAllowedSpellingInAnyCaseThenThatEncoding(String value, ResponseEncoding expected) {
    assertThat(ResponseEncoding.parse(value, POINTER)).isEqualTo(expected);
  }

  @Test
  void parseWhenAbsentThenUtf8TheComponentDefault() {
    assertThat(ResponseEncoding.parse(null, POINTER)).isEqualTo(ResponseEncoding.UTF8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " utf8", "utf16", "latin1", "base-64", "binary", "hex", "ascii"})
  void parseWhenAnythingElseThenRefusedNamingTheValueAndTheAllowedOnes(String value) {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> ResponseEncoding.parse(value, POINTER));

    assertThat(e).isNotNull();
    assertThat(e.violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.field()).isEqualTo(POINTER);
              assertThat(v.code()).isEqualTo("invalid_response_encoding");
              assertThat(v.detail())
                  .isEqualTo(
                      "response encoding \""
                          + value
                          + "\" is not supported: use \"utf8\" (also spelled \"utf-8\") or"
                          + " \"base64\"");
            });
  }

  @Test
  void wireNameWhenAskedThenTheSpecSpelling() {
    assertThat(ResponseEncoding.UTF8.wireName()).isEqualTo("utf8");
    assertThat(ResponseEncoding.BASE64).hasToString("base64");
  }
}
