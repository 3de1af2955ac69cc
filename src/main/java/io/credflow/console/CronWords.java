package io.credflow.console;

import com.github.kagkarlsson.scheduler.task.schedule.CronSchedule;
import com.github.kagkarlsson.scheduler.task.schedule.Schedule;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A schedule trigger's cron in English words, and its next firings as the engine computes them.
 *
 * <p>Credflow's triggers run on db-scheduler's {@link CronSchedule}: six Spring-style fields
 * (second minute hour day-of-month month day-of-week) read by its shaded cron-utils, where 0 and 7
 * are Sunday and a day-of-month and a day-of-week that are both restricted must both match. The
 * words put a field into a sentence only where its values are certain; any other shape is quoted
 * field by field, since db-scheduler reads some of them its own way (a day-of-month or month range
 * that wraps round, such as {@code 25-5}, fires on its first value only).
 */
final class CronWords {
  private static final List<String> DAYS =
      List.of("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday");
  private static final List<String> MONTHS =
      List.of(
          "January",
          "February",
          "March",
          "April",
          "May",
          "June",
          "July",
          "August",
          "September",
          "October",
          "November",
          "December");
  private static final List<String> ORDINALS =
      List.of("first", "second", "third", "fourth", "fifth");

  /**
   * The nicknames cron-utils' Spring 5.3 definition accepts, as the six fields it reads them as.
   */
  private static final Map<String, String> NICKNAMES =
      Map.of(
          "@yearly", "0 0 0 1 1 *",
          "@annually", "0 0 0 1 1 *",
          "@monthly", "0 0 0 1 * *",
          "@weekly", "0 0 0 * * 0",
          "@daily", "0 0 0 * * *",
          "@midnight", "0 0 0 * * *",
          "@hourly", "0 0 * * * *");

  /** A cron without year field that fires at all fires again after any instant, this one too. */
  private static final Instant SOME_TIME = Instant.parse("2000-01-01T00:00:00Z");

  private static final Pattern LAST_DAY_MINUS = Pattern.compile("L-(\\d{1,2})");
  private static final Pattern NEAREST_WEEKDAY = Pattern.compile("(\\d{1,2})W");
  private static final Pattern NTH_DAY_OF_WEEK = Pattern.compile("(\\w+)#(\\d)");
  private static final Pattern LAST_DAY_OF_WEEK = Pattern.compile("(\\w+)L");

  private CronWords() {}

  /**
   * A six-field cron in English words, e.g. {@code "0 0 7 * * MON-FRI"} -> "at 07:00, Monday to
   * Friday"; "never (…)" where db-scheduler finds no firing time.
   *
   * @throws IllegalArgumentException if db-scheduler does not accept {@code cron}
   */
  static String describe(String cron) {
    CronSchedule schedule = schedule(cron, ZoneOffset.UTC);
    if (schedule.isDisabled()) {
      return "never (the schedule is disabled)";
    }
    String words = words(cron.strip());
    return firings(schedule, SOME_TIME, 1).isEmpty() ? "never (" + words + ")" : words;
  }

  /**
   * The next {@code n} firing times strictly after {@code after}, in {@code zone}, computed with
   * db-scheduler's own {@link CronSchedule} as the flow engine schedules them; fewer where the cron
   * fires no more (none for the disabled schedule {@code "-"}).
   *
   * @throws IllegalArgumentException if db-scheduler does not accept {@code cron}, or n is negative
   */
  static List<ZonedDateTime> next(String cron, ZoneId zone, Instant after, int n) {
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(after, "after");
    if (n < 0) {
      throw new IllegalArgumentException("n must not be negative, was " + n);
    }
    CronSchedule schedule = schedule(cron, zone);
    if (schedule.isDisabled()) {
      return List.of();
    }
    return firings(schedule, after, n).stream().map(t -> t.atZone(zone)).toList();
  }

  private static CronSchedule schedule(String cron, ZoneId zone) {
    Objects.requireNonNull(cron, "cron");
    try {
      return new CronSchedule(cron, zone);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cron \""
              + cron
              + "\" is not six fields (second minute hour day-of-month month day-of-week) that"
              + " db-scheduler accepts, e.g. \"0 */15 * * * *\" for every 15 minutes: "
              + e.getMessage(),
          e);
    }
  }

  private static List<Instant> firings(CronSchedule schedule, Instant after, int n) {
    List<Instant> firings = new ArrayList<>();
    // Cron fires on whole seconds, so the next firing after `after` is the next after its whole
    // second; from a fraction cron-utils would carry the fraction into every-second firings.
    Instant t = after.truncatedTo(ChronoUnit.SECONDS);
    while (firings.size() < n) {
      Instant next = schedule.getInitialExecutionTime(t);
      if (!next.isAfter(t) || !next.isBefore(Schedule.NEVER)) {
        break;
      }
      firings.add(next);
      t = next;
    }
    return firings;
  }

  private static String words(String cron) {
    String[] fields = NICKNAMES.getOrDefault(cron, cron).split("\\s+");
    if (fields.length != 6) {
      return "on the cron \"" + cron + "\"";
    }
    Field second = Field.of(Unit.SECOND, fields[0]);
    Field minute = Field.of(Unit.MINUTE, fields[1]);
    Field hour = Field.of(Unit.HOUR, fields[2]);
    Field dayOfMonth = Field.of(Unit.DAY_OF_MONTH, fields[3]);
    Field month = Field.of(Unit.MONTH, fields[4]);
    Field dayOfWeek = Field.of(Unit.DAY_OF_WEEK, fields[5]);

    List<String> parts = new ArrayList<>();
    parts.add(time(second, minute, hour));
    if (dayOfMonth.raw().equals("?") && dayOfWeek.raw().equals("?")) {
      // cron-utils then never fires, where Spring reads both as "any day": quote, don't guess.
      parts.add("on day-of-month ?");
      parts.add("on day-of-week ?");
    } else {
      Optional<String> days = dayOfMonth(dayOfMonth);
      if (days.isPresent()) {
        parts.add(days.get());
        dayOfWeekCondition(dayOfWeek).ifPresent(parts::add);
      } else {
        dayOfWeek(dayOfWeek).ifPresent(parts::add);
      }
    }
    month(month).ifPresent(parts::add);
    return String.join(", ", parts);
  }

  // --- the time of day -------------------------------------------------------------------------

  private static String time(Field second, Field minute, Field hour) {
    if (second.values().isPresent() && minute.values().isPresent() && hour.values().isPresent()) {
      Optional<String> plain =
          plainTime(second.values().get(), minute.values().get(), hour.values().get());
      if (plain.isPresent()) {
        return plain.get();
      }
    }
    return quotedTime(List.of(second, minute, hour));
  }

  private static Optional<String> plainTime(
      NavigableSet<Integer> s, NavigableSet<Integer> m, NavigableSet<Integer> h) {
    boolean allSeconds = s.size() == 60;
    boolean allMinutes = m.size() == 60;
    boolean allHours = h.size() == 24;
    if (s.size() != 1) {
      int n = allSeconds ? 1 : every(s, 60);
      if (n == 0 || !allMinutes || !contiguous(h)) {
        return Optional.empty();
      }
      String every = every(n, "second");
      return Optional.of(
          allHours
              ? every
              : every
                  + " from "
                  + clock(h.first(), 0, 0, true)
                  + " to "
                  + clock(h.last(), 59, s.last(), true));
    }
    int sec = s.first();
    String atSecond = sec == 0 ? "" : ", at second " + sec;
    String andSecond = sec == 0 ? "" : " and second " + sec;
    if (allHours) {
      if (allMinutes) {
        return Optional.of("every minute" + atSecond);
      }
      int n = every(m, 60);
      if (n > 0) {
        return Optional.of(every(n, "minute") + atSecond);
      }
      return minutes(m).map(words -> "every hour, at " + words + andSecond);
    }
    if (m.size() == 1 && contiguous(h) && h.size() >= 3) {
      return Optional.of(
          "every hour from "
              + clock(h.first(), m.first(), sec)
              + " to "
              + clock(h.last(), m.first(), sec));
    }
    if (h.size() * m.size() <= 6) {
      List<String> times = new ArrayList<>();
      for (int hh : h) {
        for (int mm : m) {
          times.add(clock(hh, mm, sec));
        }
      }
      return Optional.of("at " + list(times, "and"));
    }
    int hours = every(h, 24);
    if (m.size() == 1 && hours > 0) {
      return Optional.of(every(hours, "hour") + ", at minute " + m.first() + andSecond);
    }
    int minutes = allMinutes ? 1 : every(m, 60);
    if (minutes > 0 && contiguous(h)) {
      return Optional.of(
          every(minutes, "minute")
              + " from "
              + clock(h.first(), m.first(), sec)
              + " to "
              + clock(h.last(), m.last(), sec));
    }
    return Optional.empty();
  }

  /** "minute 5", "minutes 0 to 10", "minutes 15 and 45", for the minutes of every hour. */
  private static Optional<String> minutes(NavigableSet<Integer> m) {
    if (m.size() == 1) {
      return Optional.of("minute " + m.first());
    }
    if (contiguous(m) && m.size() >= 3) {
      return Optional.of("minutes " + m.first() + " to " + m.last());
    }
    if (m.size() <= 6) {
      return Optional.of("minutes " + list(m.stream().map(String::valueOf).toList(), "and"));
    }
    return Optional.empty();
  }

  /**
   * The time fields quoted, from the second up to the coarsest that is restricted: "at second 0,
   * minute 5,35, hour 8-18/2".
   */
  private static String quotedTime(List<Field> fields) {
    int coarsest = 0;
    for (int i = 0; i < fields.size(); i++) {
      if (!fields.get(i).isAny()) {
        coarsest = i;
      }
    }
    List<String> parts = new ArrayList<>();
    for (int i = 0; i <= coarsest; i++) {
      Field f = fields.get(i);
      parts.add(f.isAny() ? "every " + f.unit().word : f.unit().word + " " + f.raw());
    }
    String words = String.join(", ", parts);
    return words.startsWith("every ") ? words : "at " + words;
  }

  // --- the day ---------------------------------------------------------------------------------

  /** The day-of-month's words, or none where it leaves the day free. */
  private static Optional<String> dayOfMonth(Field f) {
    String raw = f.raw().toUpperCase(Locale.ROOT);
    if (raw.equals("L")) {
      return Optional.of("on the last day of the month");
    }
    if (raw.equals("LW")) {
      return Optional.of("on the last weekday of the month");
    }
    Matcher minus = LAST_DAY_MINUS.matcher(raw);
    if (minus.matches()) {
      int days = Integer.parseInt(minus.group(1));
      return Optional.of(
          "on the last day of the month minus " + days + (days == 1 ? " day" : " days"));
    }
    Matcher nearest = NEAREST_WEEKDAY.matcher(raw);
    if (nearest.matches()) {
      return Optional.of(
          "on the weekday nearest day " + Integer.parseInt(nearest.group(1)) + " of the month");
    }
    OptionalInt wrapped = wrappedStart(f);
    if (wrapped.isPresent()) {
      return Optional.of(
          "on day "
              + wrapped.getAsInt()
              + " of the month (db-scheduler reads the range "
              + f.raw()
              + " as day "
              + wrapped.getAsInt()
              + " only)");
    }
    if (f.values().isEmpty()) {
      return Optional.of("on day-of-month " + f.raw());
    }
    NavigableSet<Integer> days = f.values().get();
    if (f.isAny()) {
      return Optional.empty();
    }
    if (days.size() == 1) {
      return Optional.of("on day " + days.first() + " of the month");
    }
    if (contiguous(days) && days.size() >= 3) {
      return Optional.of("on days " + days.first() + " to " + days.last() + " of the month");
    }
    if (days.size() <= 8) {
      return Optional.of(
          "on days " + list(days.stream().map(String::valueOf).toList(), "and") + " of the month");
    }
    return Optional.of("on day-of-month " + f.raw());
  }

  /** The day-of-week's words when the day-of-month leaves the day free. */
  private static Optional<String> dayOfWeek(Field f) {
    Optional<String> inMonth = dayOfWeekInMonth(f);
    if (inMonth.isPresent()) {
      return Optional.of("on " + inMonth.get());
    }
    if (f.values().isEmpty()) {
      return Optional.of("on day-of-week " + f.raw());
    }
    if (f.isAny()) {
      return Optional.empty();
    }
    List<Integer> days = mondayFirst(f.values().get());
    if (days.size() == 1) {
      return Optional.of("on " + DAYS.get(days.get(0)));
    }
    Optional<List<Integer>> run = run(f.values().get());
    if (run.isPresent() && run.get().size() >= 3) {
      List<Integer> r = run.get();
      return Optional.of(DAYS.get(r.get(0)) + " to " + DAYS.get(r.get(r.size() - 1)));
    }
    return Optional.of("on " + list(days.stream().map(DAYS::get).toList(), "and"));
  }

  /**
   * The day-of-week as a condition on the day-of-month's days: db-scheduler fires only on days that
   * match both.
   */
  private static Optional<String> dayOfWeekCondition(Field f) {
    Optional<String> inMonth = dayOfWeekInMonth(f);
    if (inMonth.isPresent()) {
      return Optional.of("if it is " + inMonth.get());
    }
    if (f.values().isEmpty()) {
      return Optional.of("if its day-of-week is " + f.raw());
    }
    if (f.isAny()) {
      return Optional.empty();
    }
    if (f.values().get().equals(new TreeSet<>(List.of(1, 2, 3, 4, 5)))) {
      return Optional.of("if it is a weekday (Monday to Friday)");
    }
    List<Integer> days = run(f.values().get()).orElse(mondayFirst(f.values().get()));
    return Optional.of("if it is a " + list(days.stream().map(DAYS::get).toList(), "or"));
  }

  /** "first Monday of the month" for MON#1, "last Friday of the month" for 5L. */
  private static Optional<String> dayOfWeekInMonth(Field f) {
    String raw = f.raw().toUpperCase(Locale.ROOT);
    Matcher nth = NTH_DAY_OF_WEEK.matcher(raw);
    if (nth.matches()) {
      OptionalInt day = Unit.DAY_OF_WEEK.value(nth.group(1));
      int n = Integer.parseInt(nth.group(2));
      if (day.isPresent() && n >= 1 && n <= ORDINALS.size()) {
        return Optional.of(
            "the " + ORDINALS.get(n - 1) + " " + DAYS.get(day.getAsInt() % 7) + " of the month");
      }
    }
    Matcher last = LAST_DAY_OF_WEEK.matcher(raw);
    if (last.matches()) {
      OptionalInt day = Unit.DAY_OF_WEEK.value(last.group(1));
      if (day.isPresent()) {
        return Optional.of("the last " + DAYS.get(day.getAsInt() % 7) + " of the month");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> month(Field f) {
    OptionalInt wrapped = wrappedStart(f);
    if (wrapped.isPresent()) {
      String name = MONTHS.get(wrapped.getAsInt() - 1);
      return Optional.of(
          "in " + name + " (db-scheduler reads the range " + f.raw() + " as " + name + " only)");
    }
    if (f.values().isEmpty()) {
      return Optional.of("in month " + f.raw());
    }
    NavigableSet<Integer> months = f.values().get();
    if (f.isAny()) {
      return Optional.empty();
    }
    if (months.size() == 1) {
      return Optional.of("in " + MONTHS.get(months.first() - 1));
    }
    if (contiguous(months) && months.size() >= 3) {
      return Optional.of(
          "from " + MONTHS.get(months.first() - 1) + " to " + MONTHS.get(months.last() - 1));
    }
    return Optional.of("in " + list(months.stream().map(m -> MONTHS.get(m - 1)).toList(), "and"));
  }

  /**
   * The start of a day-of-month or month range that wraps round, such as 25-5 or NOV-FEB: the one
   * value db-scheduler fires on for it (the day-of-week's wrap round the week is read in full).
   */
  private static OptionalInt wrappedStart(Field f) {
    String[] ends = f.raw().split("-", -1);
    if (ends.length != 2) {
      return OptionalInt.empty();
    }
    OptionalInt from = f.unit().value(ends[0]);
    OptionalInt to = f.unit().value(ends[1]);
    return from.isPresent() && to.isPresent() && from.getAsInt() > to.getAsInt()
        ? from
        : OptionalInt.empty();
  }

  /** Days of the week, Sunday 0, in the order of a week that starts on Monday. */
  private static List<Integer> mondayFirst(NavigableSet<Integer> days) {
    List<Integer> ordered = new ArrayList<>(days.tailSet(1, true));
    if (days.contains(0)) {
      ordered.add(0);
    }
    return ordered;
  }

  /** The days as one unbroken run round the week (Friday to Monday too), if they are one. */
  private static Optional<List<Integer>> run(NavigableSet<Integer> days) {
    if (days.size() >= 7) {
      return Optional.empty();
    }
    for (int start : days) {
      if (!days.contains((start + 6) % 7)) {
        List<Integer> run = new ArrayList<>();
        for (int d = start; days.contains(d % 7) && run.size() < days.size(); d++) {
          run.add(d % 7);
        }
        return run.size() == days.size() ? Optional.of(run) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  // --- small words -----------------------------------------------------------------------------

  /** n where the values are 0, n, 2n, … and n divides the field's size evenly; else 0. */
  private static int every(NavigableSet<Integer> values, int size) {
    if (values.size() < 2 || values.first() != 0) {
      return 0;
    }
    int n = values.higher(0);
    if (size % n != 0 || values.size() != size / n) {
      return 0;
    }
    for (int v = 0; v < size; v += n) {
      if (!values.contains(v)) {
        return 0;
      }
    }
    return n;
  }

  private static String every(int n, String unit) {
    return n == 1 ? "every " + unit : "every " + n + " " + unit + "s";
  }

  private static boolean contiguous(NavigableSet<Integer> values) {
    return values.last() - values.first() + 1 == values.size();
  }

  private static String clock(int hour, int minute, int second) {
    return clock(hour, minute, second, second != 0);
  }

  private static String clock(int hour, int minute, int second, boolean withSeconds) {
    return withSeconds
        ? "%02d:%02d:%02d".formatted(hour, minute, second)
        : "%02d:%02d".formatted(hour, minute);
  }

  /** "a", "a and b", "a, b and c". */
  private static String list(List<String> items, String conjunction) {
    if (items.size() == 1) {
      return items.get(0);
    }
    return String.join(", ", items.subList(0, items.size() - 1))
        + " "
        + conjunction
        + " "
        + items.get(items.size() - 1);
  }

  // --- reading a field -------------------------------------------------------------------------

  private enum Unit {
    SECOND("second", 0, 59, List.of()),
    MINUTE("minute", 0, 59, List.of()),
    HOUR("hour", 0, 23, List.of()),
    DAY_OF_MONTH("day-of-month", 1, 31, List.of()),
    MONTH(
        "month",
        1,
        12,
        List.of(
            "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")),
    DAY_OF_WEEK("day-of-week", 0, 7, List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"));

    final String word;
    final int min;
    final int max;
    final List<String> names;

    Unit(String word, int min, int max, List<String> names) {
      this.word = word;
      this.min = min;
      this.max = max;
      this.names = names;
    }

    /** The number of a value written as digits or, in month and day-of-week, as a name. */
    OptionalInt value(String token) {
      if (token.matches("\\d{1,2}")) {
        int v = Integer.parseInt(token);
        return v >= min && v <= max ? OptionalInt.of(v) : OptionalInt.empty();
      }
      int i = names.indexOf(token.toUpperCase(Locale.ROOT));
      return i < 0 ? OptionalInt.empty() : OptionalInt.of(min + i);
    }

    int size() {
      // 0 and 7 are both Sunday
      return this == DAY_OF_WEEK ? 7 : max - min + 1;
    }
  }

  /**
   * A field as written, and the values it fires on where its shape is a plain one: values, names,
   * ranges, steps and lists of them (day-of-week values with Sunday as 0).
   */
  private record Field(Unit unit, String raw, Optional<NavigableSet<Integer>> values) {
    static Field of(Unit unit, String raw) {
      return new Field(unit, raw, parse(unit, raw));
    }

    boolean isAny() {
      return values.isPresent() && values.get().size() == unit.size();
    }

    private static Optional<NavigableSet<Integer>> parse(Unit unit, String field) {
      NavigableSet<Integer> values = new TreeSet<>();
      String[] items = field.split(",", -1);
      for (String item : items) {
        String[] stepped = item.split("/", -1);
        if (stepped.length > 2) {
          return Optional.empty();
        }
        int step = 1;
        if (stepped.length == 2) {
          if (!stepped[1].matches("\\d{1,2}") || Integer.parseInt(stepped[1]) < 1) {
            return Optional.empty();
          }
          step = Integer.parseInt(stepped[1]);
        }
        String range = stepped[0];
        if (range.equals("*") || range.equals("?")) {
          if (items.length > 1) {
            return Optional.empty();
          }
          add(unit, values, unit.min, unit.max, step);
          continue;
        }
        String[] ends = range.split("-", -1);
        if (ends.length > 2) {
          return Optional.empty();
        }
        OptionalInt from = unit.value(ends[0]);
        OptionalInt to = ends.length == 2 ? unit.value(ends[1]) : from;
        if (from.isEmpty() || to.isEmpty()) {
          return Optional.empty();
        }
        if (ends.length == 1 && stepped.length == 2) {
          // "a/n" runs to the field's end; in day-of-week cron-utils reads it its own way
          if (unit == Unit.DAY_OF_WEEK) {
            return Optional.empty();
          }
          add(unit, values, from.getAsInt(), unit.max, step);
        } else if (from.getAsInt() <= to.getAsInt()) {
          add(unit, values, from.getAsInt(), to.getAsInt(), step);
        } else if (unit == Unit.DAY_OF_WEEK && step == 1) {
          // FRI-MON wraps round the week, as it does in cron-utils
          add(unit, values, from.getAsInt(), unit.max, 1);
          add(unit, values, unit.min, to.getAsInt(), 1);
        } else {
          return Optional.empty();
        }
      }
      return Optional.of(values);
    }

    private static void add(Unit unit, NavigableSet<Integer> values, int from, int to, int step) {
      for (int v = from; v <= to; v += step) {
        values.add(unit == Unit.DAY_OF_WEEK ? v % 7 : v);
      }
    }
  }
}
