package io.credflow.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StatusCodesTest {
  private static final String POINTER = "/data/attributes/config/errorCodes";

  private static List<Integer> members(StatusCodes codes) {
    return IntStream.rangeClosed(-1, 1000).filter(codes::contains).boxed().toList();
  }

  private static List<Integer> span(int low, int high) {
    return IntStream.rangeClosed(low, high).boxed().toList();
  }

  private static List<Violation> violationsOf(Object value) {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> StatusCodes.parse(value, POINTER));
    assertThat(e).as("%s must be refused", value).isNotNull();
    assertThat(e.code()).isEqualTo("invalid_status_codes");
    assertThat(e.violations()).allSatisfy(v -> assertThat(v.code()).isEqualTo(e.code()));
    return e.violations();
  }

  @Test
  void defaultErrorsWhenAskedThenHoldsTimeoutLockedTooManyAndEveryServerError() {
    List<Integer> expected = new ArrayList<>(List.of(408, 423, 429));
    expected.addAll(span(500, 599));

    assertThat(members(StatusCodes.DEFAULT_ERRORS)).isEqualTo(expected);
    assertThat(StatusCodes.DEFAULT_ERRORS).hasToString("408,423,429,500-599");
  }

  @Test
  void parseWhenNullBlankOrEmptyListThenEmptySet() {
    for (Object nothing : Arrays.asList(null, "", "   ", List.of())) {
      StatusCodes codes = StatusCodes.parse(nothing, POINTER);

      assertThat(codes.isEmpty()).as("%s", nothing).isTrue();
      assertThat(members(codes)).isEmpty();
      assertThat(codes).isEqualTo(StatusCodes.NONE).hasToString("");
    }
  }

  @Test
  void parseWhenRangeThenBothEndsAndEverythingBetweenOnly() {
    StatusCodes codes = StatusCodes.parse("500-599", POINTER);

    assertThat(members(codes)).isEqualTo(span(500, 599));
    assertThat(codes).hasToString("500-599");
  }

  @Test
  void parseWhenSpacesAroundTokensAndDashesThenIgnoresThem() {
    StatusCodes codes = StatusCodes.parse(" 408 ,\t429,500 - 502 ", POINTER);

    assertThat(members(codes)).containsExactly(408, 429, 500, 501, 502);
    assertThat(codes).hasToString("408,429,500-502");
  }

  @Test
  void parseWhenOverlapsRepeatsAndDisorderThenCanonicalFormIsSortedWithRunsMerged() {
    StatusCodes codes = StatusCodes.parse("503,500-510,400-404,405,503,100,599,598", POINTER);

    assertThat(codes).hasToString("100,400-405,500-510,598-599");
    assertThat(StatusCodes.parse(codes.toString(), POINTER)).isEqualTo(codes);
  }

  @Test
  void parseWhenLeadingZerosThenSameCode() {
    assertThat(StatusCodes.parse("0408,00500-0501", POINTER)).hasToString("408,500-501");
  }

  @Test
  void parseWhenJsonArrayOfNumbersAndStringsThenUnion() {
    List<Object> array = List.of(408, "429", "500-502", 503L, new BigInteger("504"), 505.0);

    StatusCodes codes = StatusCodes.parse(array, POINTER);

    assertThat(codes).hasToString("408,429,500-505");
  }

  @Test
  void parseWhenSingleWholeNumberThenThatCode() {
    assertThat(StatusCodes.parse(429, POINTER)).hasToString("429");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "599-500 | \"599-500\" runs backwards; put the lower code first, as in 500-599",
        "99      | \"99\" is not an HTTP status code; codes run from 100 to 599",
        "600     | \"600\" is not an HTTP status code",
        "0       | \"0\" is not an HTTP status code",
        "500-600 | 600 in \"500-600\" is not an HTTP status code",
        "99-200  | 99 in \"99-200\" is not an HTTP status code",
        "99999999999999999999999 | \"99999999999999999999999\" is not an HTTP status code",
        "abc     | \"abc\" is neither a status code nor a range; use status codes 100-599 and"
            + " ranges low-high such as 500-599",
        "1-2-3   | \"1-2-3\" is neither a status code nor a range",
        "-5      | \"-5\" is neither",
        "+408    | \"+408\" is neither",
        "408.0   | \"408.0\" is neither",
        "4 08    | \"4 08\" is neither",
        "500-    | \"500-\" is neither",
        "5xx     | \"5xx\" is neither",
        "٤٠٨     | \"٤٠٨\" is neither",
      })
  void parseWhenBadTokenThenOneViolationAtThePointerNamingIt(String token, String detail) {
    List<Violation> violations = violationsOf(token);

    assertThat(violations)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.field()).isEqualTo(POINTER);
              assertThat(v.detail()).startsWith("errorCodes: ").contains(detail);
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"408,,429", "408,", ",408", " , ", "408, ,429"})
  void parseWhenEmptyPartThenRefusedSayingHowToSeparate(String value) {
    assertThat(violationsOf(value))
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.detail())
                    .isEqualTo(
                        "errorCodes has an empty entry (two commas in a row, or a comma at either"
                            + " end); list status codes 100-599 and ranges low-high such as"
                            + " 500-599, separated by single commas"));
  }

  @Test
  void parseWhenSeveralBadTokensThenEveryOneIsReported() {
    List<Violation> violations = violationsOf("abc,408,99,599-500");

    assertThat(violations)
        .extracting(Violation::detail)
        .satisfiesExactly(
            d -> assertThat(d).contains("\"abc\""),
            d -> assertThat(d).contains("\"99\""),
            d -> assertThat(d).contains("\"599-500\""));
  }

  @Test
  void parseWhenArrayHasBadEntriesThenEachIsReportedAtItsIndex() {
    List<Object> array = Arrays.asList(408, true, -1, 408.5, Map.of(), null, "600", List.of(500));

    List<Violation> violations = violationsOf(array);

    assertThat(violations)
        .extracting(Violation::field)
        .containsExactly(
            POINTER + "/1",
            POINTER + "/2",
            POINTER + "/3",
            POINTER + "/4",
            POINTER + "/5",
            POINTER + "/6",
            POINTER + "/7");
    assertThat(violations.get(0).detail())
        .isEqualTo(
            "errorCodes[1] is the boolean true; each entry must be a status code 100-599 (a number"
                + " or a string) or a range string such as \"500-599\"");
    assertThat(violations.get(2).detail()).startsWith("errorCodes[3] is the number 408.5;");
    assertThat(violations.get(5).detail()).contains("\"600\" is not an HTTP status code");
  }

  @Test
  void parseWhenNeitherStringNorArrayThenRefusedSayingWhatToGive() {
    for (Object value : List.of(true, Map.of("a", 1), -3, 408.5)) {
      assertThat(violationsOf(value))
          .singleElement()
          .satisfies(
              v -> {
                assertThat(v.field()).isEqualTo(POINTER);
                assertThat(v.detail())
                    .startsWith("errorCodes is ")
                    .endsWith(
                        "; give a string of status codes 100-599 and ranges low-high such as"
                            + " 500-599, comma-separated (e.g. \"408,429,500-599\"), or an array"
                            + " of them");
              });
    }
  }

  @Test
  void parseWhenPointerNamesAnotherFieldThenDetailNamesThatField() {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class,
            () -> StatusCodes.parse("x", "/data/attributes/config/ignoreErrorCodes"));

    assertThat(e.getMessage()).startsWith("ignoreErrorCodes: \"x\"");
    assertThat(e.violations().get(0).field()).isEqualTo("/data/attributes/config/ignoreErrorCodes");
  }

  @Test
  void containsWhenAskedAnyIntThenFalseOutsideTheSetWithoutFailing() {
    StatusCodes all = StatusCodes.parse("100-599", POINTER);

    assertThat(all.contains(100)).isTrue();
    assertThat(all.contains(599)).isTrue();
    for (int outside :
        new int[] {Integer.MIN_VALUE, -1, 0, 99, 600, 640, 1000, Integer.MAX_VALUE}) {
      assertThat(all.contains(outside)).as("%d", outside).isFalse();
    }
  }

  @Test
  void equalsWhenSameCodesSpelledDifferentlyThenEqualWithEqualHashes() {
    StatusCodes a = StatusCodes.parse("500-502,408", POINTER);
    StatusCodes b = StatusCodes.parse(List.of(408, 500, "501-502"), POINTER);

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(StatusCodes.DEFAULT_ERRORS);
  }
}
