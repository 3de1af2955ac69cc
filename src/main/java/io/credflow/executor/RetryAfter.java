package io.credflow.executor;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code Retry-After} field (RFC 9110 §10.2.3), which the server uses to say how long to
 * wait before the next attempt: either delta-seconds or an HTTP-date in any of the three forms of
 * §5.6.7. Whatever cannot be read is ignored (empty), so a broken header falls back to the default
 * backoff instead of failing the request.
 */
public final class RetryAfter {
  /**
   * The longest wait this ever returns: 2^31 seconds, the value RFC 9111 §1.2.2 tells caches to use
   * for delta-seconds they cannot represent. Large enough to mean "do not retry" to any caller with
   * its own maximum, small enough to add to any {@link Instant} without overflow.
   */
  public static final Duration CEILING = Duration.ofSeconds(1L << 31);

  private static final Pattern DELTA_SECONDS = Pattern.compile("\\d+");
  private static final String DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
  private static final String LONG_DAY =
      "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
  private static final String MONTH = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
  private static final String TIME = "(\\d{2}):(\\d{2}):(\\d{2})";
  private static final List<String> MONTHS =
      List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");

  /** IMF-fixdate: {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
  private static final Pattern IMF_FIXDATE =
      Pattern.compile(
          DAY + ", (\\d{2}) " + MONTH + " (\\d{4}) " + TIME + " GMT", Pattern.CASE_INSENSITIVE);

  /** Obsolete RFC 850: {@code Sunday, 06-Nov-94 08:49:37 GMT}. */
  private static final Pattern RFC_850 =
      Pattern.compile(
          LONG_DAY + ", (\\d{2})-" + MONTH + "-(\\d{2}) " + TIME + " GMT",
          Pattern.CASE_INSENSITIVE);

  /** ANSI C asctime(): {@code Sun Nov 6 08:49:37 1994}, day padded with a space. */
  private static final Pattern ASCTIME =
      Pattern.compile(
          DAY + " " + MONTH + " +(\\d{1,2}) " + TIME + " (\\d{4})", Pattern.CASE_INSENSITIVE);

  private RetryAfter() {}

  /**
   * How long to wait, counted from {@code now}: delta-seconds as given (surrounding spaces allowed,
   * capped at {@link #CEILING}), an HTTP-date as the time until it ({@link Duration#ZERO} when it
   * has passed, capped at {@link #CEILING}). Empty for {@code null}, a negative or fractional
   * number, and anything that is not one of the forms above. The weekday name is required but not
   * checked against the date (RFC 9110 asks recipients to be robust); RFC 850's two-digit year is
   * the most recent matching year not more than 50 years after {@code now}, as §5.6.7 says.
   */
  public static Optional<Duration> parse(String headerValue, Instant now) {
    if (headerValue == null) {
      return Optional.empty();
    }
    String value = headerValue.strip();
    if (DELTA_SECONDS.matcher(value).matches()) {
      return Optional.of(deltaSeconds(value));
    }
    return httpDate(value, now).map(at -> until(now, at));
  }

  private static Duration deltaSeconds(String digits) {
    String significant = digits.replaceFirst("^0+(?=\\d)", "");
    // 11 digits exceed 2^31 already, so anything longer is the ceiling without parsing it
    return significant.length() > 11
        ? CEILING
        : min(Duration.ofSeconds(Long.parseLong(significant)), CEILING);
  }

  private static Optional<Instant> httpDate(String value, Instant now) {
    try {
      Matcher m = IMF_FIXDATE.matcher(value);
      if (m.matches()) {
        return Optional.of(
            instant(m.group(3), m.group(2), m.group(1), m.group(4), m.group(5), m.group(6)));
      }
      m = RFC_850.matcher(value);
      if (m.matches()) {
        int year = fourDigitYear(Integer.parseInt(m.group(3)), now);
        return Optional.of(
            instant(
                Integer.toString(year),
                m.group(2),
                m.group(1),
                m.group(4),
                m.group(5),
                m.group(6)));
      }
      m = ASCTIME.matcher(value);
      if (m.matches()) {
        return Optional.of(
            instant(m.group(6), m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)));
      }
      return Optional.empty();
    } catch (DateTimeException e) {
      return Optional.empty(); // 31 Feb, 25:00 and the like
    }
  }

  private static Instant instant(
      String year, String month, String day, String hour, String minute, String second) {
    int sec = Integer.parseInt(second);
    // a leap second (:60) is the first instant of the next minute
    LocalDateTime time =
        LocalDateTime.of(
            Integer.parseInt(year),
            MONTHS.indexOf(month.toLowerCase(Locale.ROOT)) + 1,
            Integer.parseInt(day),
            Integer.parseInt(hour),
            Integer.parseInt(minute),
            sec == 60 ? 59 : sec);
    return time.plusSeconds(sec == 60 ? 1 : 0).toInstant(ZoneOffset.UTC);
  }

  private static int fourDigitYear(int twoDigits, Instant now) {
    int thisYear = LocalDateTime.ofInstant(now, ZoneOffset.UTC).getYear();
    int year = thisYear - Math.floorMod(thisYear, 100) + twoDigits;
    return year > thisYear + 50 ? year - 100 : year;
  }

  private static Duration until(Instant now, Instant at) {
    return at.isAfter(now) ? min(Duration.between(now, at), CEILING) : Duration.ZERO;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
