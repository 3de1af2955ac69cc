package io.credflow.console.view;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A form as the user left it: the values typed (secrets never among them), and the problems found,
 * by field (the domain's logical field names, e.g. {@code credentials/password}) or for the form as
 * a whole.
 */
public record Form(Map<String, String> values, Map<String, String> errors, List<String> problems) {
  public Form {
    values = Map.copyOf(values);
    errors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(errors));
    problems = List.copyOf(problems);
  }

  public static Form empty() {
    return new Form(Map.of(), Map.of(), List.of());
  }

  public static Form of(Map<String, String> values) {
    return new Form(values, Map.of(), List.of());
  }

  public String value(String field) {
    return values.getOrDefault(field, "");
  }

  public boolean checked(String field) {
    return values.containsKey(field);
  }

  public Optional<String> error(String field) {
    return Optional.ofNullable(errors.get(field));
  }

  public boolean hasErrors() {
    return !errors.isEmpty() || !problems.isEmpty();
  }

  /** A form id for {@code aria-describedby}: the field name with its separators replaced. */
  public static String id(String field) {
    return id("f-", field);
  }

  /** As {@link #id(String)}, with {@code prefix} instead of {@code f-}: two forms on one page. */
  public static String id(String prefix, String field) {
    return prefix + field.replaceAll("[^A-Za-z0-9_-]", "-");
  }
}
