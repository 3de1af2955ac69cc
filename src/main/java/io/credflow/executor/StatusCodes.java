package io.credflow.executor;

import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A set of HTTP status codes, as the spec's {@code errorCodes} (answers to retry) and {@code
 * ignoreErrorCodes} (error answers to hand back as results) give it: {@code "408,423,429,500-599"}.
 * Immutable, with a constant-time {@link #contains(int)}; {@link #toString()} is the canonical
 * form, ascending with runs written as ranges, which {@link #parse} reads back to an equal set.
 */
public final class StatusCodes {
  public static final int MIN = 100;
  public static final int MAX = 599;

  private static final String CODE = "invalid_status_codes";
  private static final String ALLOWED =
      "status codes " + MIN + "-" + MAX + " and ranges low-high such as 500-599";
  private static final Pattern TOKEN = Pattern.compile("(\\d+)(?:\\s*-\\s*(\\d+))?");

  /** The empty set: no status code is in it. */
  public static final StatusCodes NONE = new StatusCodes();

  /** The component's retryable answers when the spec names none: 408, 423, 429 and 500-599. */
  public static final StatusCodes DEFAULT_ERRORS = parse("408,423,429,500-599", "/errorCodes");

  /** Bit {@code c} is set when code {@code c} is in the set; written only while parsing. */
  private final long[] bits = new long[MAX / 64 + 1];

  private StatusCodes() {}

  /**
   * The set that {@code value} spells. {@code null}, a blank string and an empty list are the empty
   * set; a string is comma-separated codes and {@code low-high} ranges, spaces allowed; a list (a
   * JSON array) holds codes as numbers or strings, and its strings may be ranges too; a single
   * whole number is that one code. Overlaps and repeats are fine. Every bad token (not a number,
   * outside {@value #MIN}-{@value #MAX}, a range whose low end is above its high end, {@code
   * 1-2-3}, an empty part as in {@code "408,,429"} or a trailing comma) is a violation at {@code
   * pointer} (for a list, at {@code pointer/index}) with code {@code invalid_status_codes}; all of
   * them are thrown together as one {@link ValidationException}.
   */
  public static StatusCodes parse(Object value, String pointer) {
    String field = fieldName(pointer);
    List<Violation> violations = new ArrayList<>();
    StatusCodes codes = new StatusCodes();
    switch (value) {
      case null -> {}
      case String s when s.isBlank() -> {}
      case String s -> {
        for (String part : s.split(",", -1)) {
          codes.addToken(part, pointer, field, violations);
        }
      }
      case Number n when wholeNumber(n).isPresent() ->
          codes.addToken(wholeNumber(n).get().toPlainString(), pointer, field, violations);
      case List<?> list -> {
        for (int i = 0; i < list.size(); i++) {
          Object item = list.get(i);
          String itemPointer = pointer + "/" + i;
          Optional<BigDecimal> number =
              item instanceof Number n ? wholeNumber(n) : Optional.empty();
          if (item instanceof String s) {
            codes.addToken(s, itemPointer, field, violations);
          } else if (number.isPresent()) {
            String digits = number.get().toPlainString();
            codes.addToken(digits, itemPointer, field, violations);
          } else {
            violations.add(
                new Violation(
                    itemPointer,
                    CODE,
                    field
                        + "["
                        + i
                        + "] is "
                        + describe(item)
                        + "; each entry must be a status code "
                        + MIN
                        + "-"
                        + MAX
                        + " (a number or a string) or a range string such as \"500-599\""));
          }
        }
      }
      default ->
          violations.add(
              new Violation(
                  pointer,
                  CODE,
                  field
                      + " is "
                      + describe(value)
                      + "; give a string of "
                      + ALLOWED
                      + ", comma-separated (e.g. \"408,429,500-599\"), or an array of them"));
    }
    if (!violations.isEmpty()) {
      throw new ValidationException(List.copyOf(new LinkedHashSet<>(violations))); // no repeats
    }
    return codes;
  }

  /** Whether {@code status} is in the set; any int may be asked, none outside 100-599 is in. */
  public boolean contains(int status) {
    return status >= 0 && status <= MAX && (bits[status >>> 6] & (1L << status)) != 0;
  }

  public boolean isEmpty() {
    return Arrays.stream(bits).allMatch(b -> b == 0);
  }

  private void addToken(String token, String pointer, String field, List<Violation> violations) {
    String t = token.strip();
    Matcher m = TOKEN.matcher(t);
    if (t.isEmpty()) {
      violations.add(
          new Violation(
              pointer,
              CODE,
              field
                  + " has an empty entry (two commas in a row, or a comma at either end); list "
                  + ALLOWED
                  + ", separated by single commas"));
    } else if (!m.matches()) {
      violations.add(
          new Violation(
              pointer,
              CODE,
              field + ": \"" + t + "\" is neither a status code nor a range; use " + ALLOWED));
    } else {
      Optional<Integer> low = code(m.group(1), t, pointer, field, violations);
      Optional<Integer> high =
          m.group(2) == null ? low : code(m.group(2), t, pointer, field, violations);
      if (low.isPresent() && high.isPresent()) {
        if (low.get() > high.get()) {
          violations.add(
              new Violation(
                  pointer,
                  CODE,
                  field
                      + ": range \""
                      + t
                      + "\" runs backwards; put the lower code first, as in "
                      + high.get()
                      + "-"
                      + low.get()));
        } else {
          for (int c = low.get(); c <= high.get(); c++) {
            bits[c >>> 6] |= 1L << c;
          }
        }
      }
    }
  }

  private static Optional<Integer> code(
      String digits, String token, String pointer, String field, List<Violation> violations) {
    String significant = digits.replaceFirst("^0+(?=\\d)", "");
    // more than four digits is out of range whatever they are, and cannot overflow
    int code = significant.length() > 4 ? Integer.MAX_VALUE : Integer.parseInt(significant);
    if (code >= MIN && code <= MAX) {
      return Optional.of(code);
    }
    String which = digits.equals(token) ? "\"" + token + "\"" : digits + " in \"" + token + "\"";
    violations.add(
        new Violation(
            pointer,
            CODE,
            field
                + ": "
                + which
                + " is not an HTTP status code; codes run from "
                + MIN
                + " to "
                + MAX));
    return Optional.empty();
  }

  /** A non-negative whole number, or empty for fractions, negatives, NaN and infinities. */
  private static Optional<BigDecimal> wholeNumber(Number n) {
    try {
      BigDecimal d = new BigDecimal(n.toString());
      return d.signum() >= 0 && d.stripTrailingZeros().scale() <= 0
          ? Optional.of(d.setScale(0))
          : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String fieldName(String pointer) {
    String last = pointer.substring(pointer.lastIndexOf('/') + 1);
    return last.isEmpty() ? "status codes" : last;
  }

  private static String describe(Object value) {
    return switch (value) {
      case null -> "null";
      case String s -> "the string \"" + s + "\"";
      case Number n -> "the number " + n;
      case Boolean b -> "the boolean " + b;
      case List<?> l -> "an array";
      default -> "an object";
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StatusCodes other && Arrays.equals(bits, other.bits);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bits);
  }

  /**
   * The canonical form: ascending, two or more consecutive codes as {@code low-high}, no spaces,
   * e.g. {@code 408,423,429,500-599}; the empty set is the empty string.
   */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    int c = MIN;
    while (c <= MAX) {
      if (!contains(c)) {
        c++;
        continue;
      }
      int end = c;
      while (end < MAX && contains(end + 1)) {
        end++;
      }
      out.append(out.isEmpty() ? "" : ",").append(c);
      if (end > c) {
        out.append('-').append(end);
      }
      c = end + 1;
    }
    return out.toString();
  }
}
