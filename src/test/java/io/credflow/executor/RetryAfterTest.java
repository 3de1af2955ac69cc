package io.credflow.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class RetryAfterTest {
  /** Two minutes before the RFC 9110 example date, Wed, 21 Oct 2015 07:28:00 GMT. */
  private static final Instant NOW = Instant.parse("2015-10-21T07:26:00Z");

  private static Duration parsed(String value, Instant now) {
    return RetryAfter.parse(value, now).orElseThrow(() -> new AssertionError(value + " unread"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "120 | 120",
        "'  120  ' | 120",
        "'\t7\t' | 7",
        "0 | 0",
        "000120 | 120",
        "2147483647 | 2147483647",
        "2147483648 | 2147483648",
      })
  void parseWhenDeltaSecondsThenThatManySeconds(String value, long seconds) {
    assertThat(parsed(value, NOW)).isEqualTo(Duration.ofSeconds(seconds));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"2147483649", "99999999999", "99999999999999999999999999999999999999999999"})
  void parseWhenDeltaSecondsAbsurdlyLargeThenClampedToTwoToThe31Seconds(String value) {
    assertThat(parsed(value, NOW)).isEqualTo(RetryAfter.CEILING).hasSeconds(2147483648L);
    assertThat(NOW.plus(parsed(value, NOW))).isAfter(NOW);
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "",
        "   ",
        "-1",
        "+5",
        "1.5",
        "12 0",
        "1e3",
        "0x10",
        "abc",
        "120s",
        "١٢٠",
        "2015-10-21T07:28:00Z",
        "Wed, 21 Oct 2015 07:28:00 UTC",
        "Wed, 21 Oct 2015 07:28:00 +0000",
        "Wed, 21 Oct 2015 07:28:00",
        "Wed, 21 Oct 15 07:28:00 GMT",
        "Wed, 1 Oct 2015 07:28:00 GMT",
        "Wed, 21 Okt 2015 07:28:00 GMT",
        "Xyz, 21 Oct 2015 07:28:00 GMT",
        "Wed, 32 Oct 2015 07:28:00 GMT",
        "Wed, 29 Feb 2015 07:28:00 GMT",
        "Wed, 21 Oct 2015 24:00:00 GMT",
        "Wed, 21 Oct 2015 07:60:00 GMT",
        "Wed, 21 Oct 2015 07:28:61 GMT",
        "Wed, 21-Oct-15 07:28:00 GMT",
        "Wednesday, 21-Oct-2015 07:28:00 GMT",
        "Wed Oct 21 07:28:00 15",
        "Wed Oct 21 07:28:00 2015 GMT",
      })
  void parseWhenNotDeltaSecondsNorHttpDateThenEmpty(String value) {
    assertThat(RetryAfter.parse(value, NOW)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Wed, 21 Oct 2015 07:28:00 GMT",
        "Wednesday, 21-Oct-15 07:28:00 GMT",
        "Wed Oct 21 07:28:00 2015",
        "  Wed, 21 Oct 2015 07:28:00 GMT  ",
        "wed, 21 oct 2015 07:28:00 gmt",
      })
  void parseWhenHttpDateInAnyOfTheThreeFormsThenTimeUntilIt(String value) {
    assertThat(parsed(value, NOW)).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void parseWhenAsctimeWithSpacePaddedDayThenRead() {
    Instant now = Instant.parse("1994-11-06T08:48:37Z");

    assertThat(parsed("Sun Nov  6 08:49:37 1994", now)).isEqualTo(Duration.ofMinutes(1));
    assertThat(parsed("Sun Nov 6 08:49:37 1994", now)).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void parseWhenDateHasPassedThenZero() {
    Instant later = Instant.parse("2015-10-21T07:28:01Z");

    assertThat(parsed("Wed, 21 Oct 2015 07:28:00 GMT", later)).isZero();
    assertThat(parsed("Wed, 21 Oct 2015 07:28:00 GMT", Instant.parse("2015-10-21T07:28:00Z")))
        .isZero();
    assertThat(parsed("Sun, 06 Nov 1994 08:49:37 GMT", NOW)).isZero();
  }

  @Test
  void parseWhenNowHasFractionalSecondsThenDurationIsExact() {
    Instant now = Instant.parse("2015-10-21T07:27:59.250Z");

    assertThat(parsed("Wed, 21 Oct 2015 07:28:00 GMT", now)).isEqualTo(Duration.ofMillis(750));
  }

  @Test
  void parseWhenWeekdayDoesNotMatchTheDateThenTheDateCounts() {
    assertThat(parsed("Mon, 21 Oct 2015 07:28:00 GMT", NOW)).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void parseWhenLeapSecondThenFirstInstantOfTheNextMinute() {
    Instant now = Instant.parse("2016-12-31T23:59:00Z");

    assertThat(parsed("Sat, 31 Dec 2016 23:59:60 GMT", now)).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void parseWhenRfc850TwoDigitYearThenMostRecentYearNotMoreThanFiftyYearsAhead() {
    // in 2030, "94" is 1994 (2094 would be more than 50 years ahead): long past
    assertThat(parsed("Sunday, 06-Nov-94 08:49:37 GMT", Instant.parse("2030-01-01T00:00:00Z")))
        .isZero();
    // in 2070, "71" is 2071, one year ahead, and "20" is 2020, long past
    Instant in2070 = Instant.parse("2070-01-01T00:00:00Z");
    assertThat(parsed("Thursday, 01-Jan-71 00:00:00 GMT", in2070)).isEqualTo(Duration.ofDays(365));
    assertThat(parsed("Wednesday, 01-Jan-20 00:00:00 GMT", in2070)).isZero();
    // in 2015, exactly 50 years ahead is still ahead: "65" is 2065
    assertThat(parsed("Thursday, 21-Oct-65 07:26:00 GMT", NOW))
        .isEqualTo(Duration.between(NOW, Instant.parse("2065-10-21T07:26:00Z")));
  }

  @Test
  void parseWhenDateFarInTheFutureThenClampedToCeiling() {
    assertThat(parsed("Fri, 31 Dec 9999 23:59:59 GMT", NOW)).isEqualTo(RetryAfter.CEILING);
  }
}
