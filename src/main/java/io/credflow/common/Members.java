package io.credflow.common;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the members of one JSON object (as parsed into maps, lists, strings, numbers and booleans),
 * collecting a {@link Violation} with the member's {@link Field field} for every missing, mistyped
 * or unknown member instead of stopping at the first. Call {@link #finish()} to throw them all at
 * once.
 */
public final class Members {
  /** Longest string member accepted; longer values are refused, not cut. */
  public static final int MAX_STRING = 4096;

  private final Map<String, Object> map;
  private final String base;
  private final String what;
  private final List<Violation> violations = new ArrayList<>();

  private Members(Map<String, Object> map, String base, String what) {
    this.map = map;
    this.base = base;
    this.what = what;
  }

  /**
   * Reads {@code tree}, which must be an object; {@code base} is its field (e.g. {@code
   * credentials}) and {@code what} names it in messages (e.g. "oauth2 credentials").
   */
  public static Members of(Object tree, String base, String what) {
    if (tree instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) m;
      return new Members(map, base, what);
    }
    Members members = new Members(Map.of(), base, what);
    members.violations.add(new Violation(base, "invalid_type", what + " must be a JSON object"));
    return members;
  }

  public boolean has(String name) {
    return map.containsKey(name) && map.get(name) != null;
  }

  /** The member's raw value (a map, list, string, number, boolean), or null when absent. */
  public Object get(String name) {
    return map.get(name);
  }

  public Set<String> names() {
    return map.keySet();
  }

  /** The field of member {@code name}. */
  public String field(String name) {
    return Field.child(base, name);
  }

  public void violation(String name, String code, String detail) {
    violations.add(new Violation(field(name), code, detail));
  }

  public Optional<String> string(String name, boolean required) {
    Object v = map.get(name);
    if (v == null) {
      if (required) {
        violation(name, "missing_member", what + " need \"" + name + "\"");
      }
      return Optional.empty();
    }
    if (!(v instanceof String s)) {
      violation(name, "invalid_type", name + " must be a string");
      return Optional.empty();
    }
    if (s.isBlank()) {
      violation(name, "blank_member", name + " must not be blank");
      return Optional.empty();
    }
    if (s.length() > MAX_STRING) {
      violation(name, "member_too_long", name + " must be at most " + MAX_STRING + " characters");
      return Optional.empty();
    }
    return Optional.of(s);
  }

  public Optional<Secret> secret(String name, boolean required) {
    return string(name, required).map(Secret::of);
  }

  /** An absolute http or https URL. */
  public Optional<URI> url(String name, boolean required) {
    Optional<String> s = string(name, required);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(s.get());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
        violation(
            name,
            "invalid_url",
            name + " must be an absolute https:// (or http://) URL with a host");
        return Optional.empty();
      }
      return Optional.of(uri);
    } catch (URISyntaxException e) {
      violation(name, "invalid_url", name + " is not a valid URL: " + e.getReason());
      return Optional.empty();
    }
  }

  public Optional<Long> longInRange(String name, long min, long max) {
    Object v = map.get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof Integer || v instanceof Long)) {
      violation(name, "invalid_type", name + " must be a whole number from " + min + " to " + max);
      return Optional.empty();
    }
    long n = ((Number) v).longValue();
    if (n < min || n > max) {
      violation(name, "out_of_range", name + " must be from " + min + " to " + max + ", was " + n);
      return Optional.empty();
    }
    return Optional.of(n);
  }

  public Optional<Boolean> bool(String name) {
    Object v = map.get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof Boolean b)) {
      violation(name, "invalid_type", name + " must be true or false");
      return Optional.empty();
    }
    return Optional.of(b);
  }

  /** One of {@code allowed} (exact spelling), or {@code fallback} when absent. */
  public String oneOf(String name, List<String> allowed, String fallback) {
    Object v = map.get(name);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof String s) || !allowed.contains(s)) {
      violation(name, "invalid_value", name + " must be one of " + allowed);
      return fallback;
    }
    return s;
  }

  /** A non-empty list of strings each accepted by {@code valid}. */
  public Optional<List<String>> stringList(
      String name, java.util.function.Predicate<String> valid, String expectation) {
    Object v = map.get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof List<?> list)
        || list.isEmpty()
        || !list.stream().allMatch(i -> i instanceof String s && valid.test(s))) {
      violation(name, "invalid_value", name + " must be " + expectation);
      return Optional.empty();
    }
    return Optional.of(list.stream().map(String.class::cast).toList());
  }

  /** An object of string values. */
  public Map<String, String> stringMap(String name) {
    Object v = map.get(name);
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof Map<?, ?> m)
        || !m.values().stream().allMatch(i -> i instanceof String s && s.length() <= MAX_STRING)) {
      violation(name, "invalid_value", name + " must be an object of string values");
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    m.forEach((k, val) -> out.put((String) k, (String) val));
    return out;
  }

  /** Refuses every member not in {@code known}. */
  public Members allowOnly(Set<String> known) {
    for (String name : map.keySet()) {
      if (!known.contains(name)) {
        violation(
            name,
            "unknown_member",
            what + " have no member \"" + name + "\"; known members are " + new TreeSet<>(known));
      }
    }
    return this;
  }

  public List<Violation> violations() {
    return List.copyOf(violations);
  }

  /** Throws every violation collected, if any. */
  public void finish() {
    if (!violations.isEmpty()) {
      throw new ValidationException(violations);
    }
  }
}
