package io.credflow.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CronWordsTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  /** A Wednesday. */
  private static final Instant NEW_YEAR = Instant.parse("2025-01-01T00:00:00Z");

  private static ZonedDateTime berlin(String localDateTime) {
    return ZonedDateTime.of(LocalDateTime.parse(localDateTime), BERLIN);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "* * * * * *            | every second",
        "*/10 * * * * *         | every 10 seconds",
        "0 * * * * *            | every minute",
        "30 * * * * *           | every minute, at second 30",
        "0 */15 * * * *         | every 15 minutes",
        "0 0 * * * *            | every hour, at minute 0",
        "0 15,45 * * * *        | every hour, at minutes 15 and 45",
        "0 0 */2 * * *          | every 2 hours, at minute 0",
        "0 0 7 * * *            | at 07:00",
        "30 0 7 * * *           | at 07:00:30",
        "0 0 9,17 * * *         | at 09:00 and 17:00",
        "0 0 */6 * * *          | at 00:00, 06:00, 12:00 and 18:00",
        "0 0 9-17 * * MON-FRI   | every hour from 09:00 to 17:00, Monday to Friday",
        "0 */15 9-17 * * *      | every 15 minutes from 09:00 to 17:45",
        "0 0 7 * * MON-FRI      | at 07:00, Monday to Friday",
        "0 0 7 * * 1-5          | at 07:00, Monday to Friday",
        "0 0 7 * * 0            | at 07:00, on Sunday",
        "0 0 7 * * 7            | at 07:00, on Sunday",
        "0 0 7 * * 1            | at 07:00, on Monday",
        "0 0 7 ? * sat,sun      | at 07:00, on Saturday and Sunday",
        "0 0 7 * * FRI-MON      | at 07:00, Friday to Monday",
        "0 0 7 * * 1-7          | at 07:00",
        "0 0 7 * * MON,WED,FRI  | at 07:00, on Monday, Wednesday and Friday",
        "0 0 0 1 * *            | at 00:00, on day 1 of the month",
        "0 0 0 1,15 * ?         | at 00:00, on days 1 and 15 of the month",
        "0 0 0 1 1 *            | at 00:00, on day 1 of the month, in January",
        "0 0 0 1 */3 *          | at 00:00, on day 1 of the month, in January, April, July and October",
        "0 0 0 * JAN-MAR *      | at 00:00, from January to March",
        "0 0 0 L * *            | at 00:00, on the last day of the month",
        "0 0 0 15W * *          | at 00:00, on the weekday nearest day 15 of the month",
        "0 0 12 * * MON#1       | at 12:00, on the first Monday of the month",
        "0 0 12 * * 5L          | at 12:00, on the last Friday of the month",
        "0 0 12 13 * FRI        | at 12:00, on day 13 of the month, if it is a Friday",
        "@daily                 | at 00:00",
        "@hourly                | every hour, at minute 0",
        "'  0  0   7 * * * '    | at 07:00",
      })
  void describeWhenTheCronHasACommonShapeThenItIsASentence(String cron, String words) {
    assertThat(CronWords.describe(cron)).isEqualTo(words);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0 5,35 8-18/2 1-7 * MON | at second 0, minute 5,35, hour 8-18/2, on days 1 to 7 of the"
            + " month, if it is a Monday",
        "0 */7 * * * *           | at second 0, minute */7",
        "0 0 0 */2 * *           | at 00:00, on day-of-month */2",
        "0 0 7 * * 1/2           | at 07:00, on day-of-week 1/2",
        "0 0 0 1,L * *           | at 00:00, on day-of-month 1,L",
      })
  void describeWhenTheShapeHasNoPlainSentenceThenTheFieldsAreQuoted(String cron, String words) {
    assertThat(CronWords.describe(cron)).isEqualTo(words);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0 0 0 30 2 * | never (at 00:00, on day 30 of the month, in February)",
        "0 0 0 ? * ?  | never (at 00:00, on day-of-month ?, on day-of-week ?)",
        "-            | never (the schedule is disabled)",
      })
  void describeWhenDbSchedulerFindsNoFiringTimeThenNever(String cron, String words) {
    assertThat(CronWords.describe(cron)).isEqualTo(words);
    assertThat(CronWords.next(cron, ZoneOffset.UTC, NEW_YEAR, 3)).isEmpty();
  }

  @Test
  void describeWhenADayOfMonthOrMonthRangeWrapsThenItSaysTheOneValueTheEngineFiresOn() {
    assertThat(CronWords.describe("0 0 0 25-5 * *"))
        .isEqualTo(
            "at 00:00, on day 25 of the month (db-scheduler reads the range 25-5 as day 25 only)");
    assertThat(CronWords.next("0 0 0 25-5 * *", ZoneOffset.UTC, NEW_YEAR, 6))
        .hasSize(6)
        .allSatisfy(t -> assertThat(t.getDayOfMonth()).isEqualTo(25));

    assertThat(CronWords.describe("0 0 0 1 NOV-FEB *"))
        .isEqualTo(
            "at 00:00, on day 1 of the month, in November (db-scheduler reads the range NOV-FEB"
                + " as November only)");
    assertThat(CronWords.next("0 0 0 1 NOV-FEB *", ZoneOffset.UTC, NEW_YEAR, 3))
        .hasSize(3)
        .allSatisfy(t -> assertThat(t.getMonth()).isEqualTo(Month.NOVEMBER));
  }

  @Test
  void describeWhenTheDayOfWeekHasAStepThenItNamesTheDaysTheEngineFiresOn() {
    assertThat(CronWords.describe("0 0 7 * * */2"))
        .isEqualTo("at 07:00, on Tuesday, Thursday, Saturday and Sunday");

    Set<DayOfWeek> fired =
        CronWords.next("0 0 7 * * */2", ZoneOffset.UTC, NEW_YEAR, 20).stream()
            .map(ZonedDateTime::getDayOfWeek)
            .collect(Collectors.toSet());

    assertThat(fired)
        .containsExactlyInAnyOrder(
            DayOfWeek.TUESDAY, DayOfWeek.THURSDAY, DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
  }

  @Test
  void describeWhenDayOfMonthAndDayOfWeekAreBothSetThenTheEngineFiresWhereBothMatch() {
    assertThat(CronWords.describe("0 0 12 1,15 * MON-FRI"))
        .isEqualTo(
            "at 12:00, on days 1 and 15 of the month, if it is a weekday (Monday to Friday)");

    assertThat(CronWords.next("0 0 12 13 * FRI", ZoneOffset.UTC, NEW_YEAR, 3))
        .extracting(ZonedDateTime::toLocalDate)
        .extracting(Object::toString)
        .containsExactly("2025-06-13", "2026-02-13", "2026-03-13");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "@weekly",
        "@yearly",
        "@monthly",
        "@midnight",
        "0 0 0 L-3 * *",
        "0 0 0 LW * *",
        "0 0 0 * * L",
        "0 0 0 * * 5L,1",
        "0 0 0 * * 7/1",
        "0 0 0 * * 1#6",
        "0 0 0 1,25-5 * *",
        "* 5 * * * *",
        "*/7 * 9-17 * * *",
        "0 0-10 * * * *",
        "0 * 9,17 * * *",
        "0 0 0 * 12-1 *",
        "0 0 0 ? * 1-7/2",
      })
  void describeWhenDbSchedulerAcceptsTheCronThenThereAreWords(String cron) {
    assertThat(CronWords.describe(cron)).isNotBlank().doesNotContain("null");
  }

  @Test
  void nextWhenBerlinMovesItsClocksForwardThenWeekdayFiringsStayAtSevenLocalTime() {
    List<ZonedDateTime> next =
        CronWords.next("0 0 7 * * MON-FRI", BERLIN, Instant.parse("2025-03-27T12:00:00Z"), 3);

    assertThat(next)
        .containsExactly(
            berlin("2025-03-28T07:00"), berlin("2025-03-31T07:00"), berlin("2025-04-01T07:00"));
    assertThat(next)
        .extracting(ZonedDateTime::toInstant)
        .containsExactly(
            Instant.parse("2025-03-28T06:00:00Z"),
            Instant.parse("2025-03-31T05:00:00Z"),
            Instant.parse("2025-04-01T05:00:00Z"));
  }

  @Test
  void nextWhenTheTimeDoesNotExistOnTheDayClocksGoForwardThenThatDayIsSkipped() {
    assertThat(CronWords.next("0 30 2 * * *", BERLIN, Instant.parse("2025-03-28T12:00:00Z"), 3))
        .containsExactly(
            berlin("2025-03-29T02:30"), berlin("2025-03-31T02:30"), berlin("2025-04-01T02:30"));
  }

  @Test
  void nextWhenTheTimeHappensTwiceOnTheDayClocksGoBackThenItFiresOnce() {
    assertThat(CronWords.next("0 30 2 * * *", BERLIN, Instant.parse("2025-10-24T12:00:00Z"), 3))
        .extracting(ZonedDateTime::toInstant)
        .containsExactly(
            Instant.parse("2025-10-25T00:30:00Z"),
            Instant.parse("2025-10-26T00:30:00Z"),
            Instant.parse("2025-10-27T01:30:00Z"));
  }

  @Test
  void nextWhenTheZoneDiffersThenTheSameWordsFireAtAnotherInstant() {
    assertThat(CronWords.next("0 0 9 * * *", ZoneOffset.UTC, NEW_YEAR, 1))
        .extracting(ZonedDateTime::toInstant)
        .containsExactly(Instant.parse("2025-01-01T09:00:00Z"));
    assertThat(CronWords.next("0 0 9 * * *", NEW_YORK, NEW_YEAR, 1))
        .containsExactly(ZonedDateTime.of(2025, 1, 1, 9, 0, 0, 0, NEW_YORK))
        .extracting(ZonedDateTime::toInstant)
        .containsExactly(Instant.parse("2025-01-01T14:00:00Z"));
  }

  @Test
  void nextWhenAfterIsAFiringTimeThenOnlyLaterFiringsInWholeSeconds() {
    assertThat(
            CronWords.next("0 0 7 * * *", ZoneOffset.UTC, Instant.parse("2025-01-01T07:00:00Z"), 1))
        .extracting(ZonedDateTime::toInstant)
        .containsExactly(Instant.parse("2025-01-02T07:00:00Z"));
    assertThat(
            CronWords.next(
                "* * * * * *", ZoneOffset.UTC, Instant.parse("2025-01-01T07:00:00.500Z"), 2))
        .extracting(ZonedDateTime::toInstant)
        .containsExactly(
            Instant.parse("2025-01-01T07:00:01Z"), Instant.parse("2025-01-01T07:00:02Z"));
    assertThat(CronWords.next("0 */15 * * * *", ZoneOffset.UTC, NEW_YEAR, 0)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0 0 24 * * *   | Value 24 not in range [0, 23]",
        "0 0 7 * *      | contains 5 parts",
        "0 0 7 * * * *  | contains 7 parts",
        "every day      | second minute hour day-of-month month day-of-week",
        "0 0 7 * * MOO  | \"0 0 7 * * MOO\"",
      })
  void describeAndNextWhenTheCronIsInvalidThenIllegalArgumentSaysWhy(String cron, String why) {
    assertThatThrownBy(() -> CronWords.describe(cron))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cron \"" + cron + "\" is not six fields")
        .hasMessageContaining(why);
    assertThatThrownBy(() -> CronWords.next(cron, BERLIN, NEW_YEAR, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(why);
  }

  @Test
  void nextWhenNIsNegativeThenIllegalArgument() {
    assertThatThrownBy(() -> CronWords.next("0 0 7 * * *", BERLIN, NEW_YEAR, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("n must not be negative, was -1");
  }
}
