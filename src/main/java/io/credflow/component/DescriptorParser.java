package io.credflow.component;

import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a {@code component.json} tree (maps, lists, strings, numbers, booleans as parsed from
 * JSON) against the descriptor rules, reporting every violation with the field of its member.
 * Members the rules do not name (actions, triggers, title…) are kept as they are.
 */
public final class DescriptorParser {
  private DescriptorParser() {}

  /**
   * The descriptor, or a {@link ValidationException} listing each violation; {@code base} is the
   * field of the descriptor, e.g. {@code descriptor}.
   */
  public static Descriptor parse(Object tree, String base) {
    List<Violation> violations = new ArrayList<>();
    if (!(tree instanceof Map<?, ?> raw)) {
      throw new ValidationException(
          base, "invalid_descriptor", "descriptor must be the component.json object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> doc = (Map<String, Object>) raw;
    List<AuthClientType> types = parseTypes(doc.get("authClientTypes"), base, violations);

    Optional<ViewClass> viewClass = Optional.empty();
    List<String> scopes = List.of();
    Object credentials = doc.get("credentials");
    String credField = base + "/credentials";
    if (credentials != null && !(credentials instanceof Map)) {
      violations.add(
          new Violation(credField, "invalid_descriptor", "credentials must be an object"));
    } else if (credentials instanceof Map<?, ?> cred) {
      viewClass = parseViewClass(cred, credField, violations);
      Optional<List<String>> declared = parseScopes(cred, credField, violations);
      scopes = declared.orElse(List.of());
      if (viewClass.equals(Optional.of(ViewClass.OAUTH_FIELD_VIEW)) && declared.isEmpty()) {
        violations.add(
            new Violation(
                credField + "/oauth2/scopes",
                "missing_scopes",
                "OAuthFieldView takes its scopes from credentials.oauth2.scopes: add a non-empty"
                    + " array of scope strings there"));
      }
      if (viewClass.equals(Optional.of(ViewClass.HTTP_AUTH_VIEW))
          && types.contains(AuthClientType.OAUTH2_INSTAGRAM)) {
        violations.add(
            new Violation(
                credField + "/fields/auth/viewClass",
                "unsupported_view_class",
                "HTTPAuthView does not support oauth2_instagram: use OAuthFieldView with"
                    + " credentials.oauth2.scopes, or drop oauth2_instagram from authClientTypes"));
      }
    }
    if (!violations.isEmpty()) {
      throw new ValidationException(violations);
    }
    return new Descriptor(types, viewClass, scopes, doc);
  }

  private static List<AuthClientType> parseTypes(
      Object value, String base, List<Violation> violations) {
    String field = base + "/authClientTypes";
    if (!(value instanceof List<?> list) || list.isEmpty()) {
      violations.add(
          new Violation(
              field,
              "invalid_auth_client_types",
              "authClientTypes must be a non-empty array of distinct types from "
                  + AuthClientType.wireNames()));
      return List.of();
    }
    List<AuthClientType> types = new ArrayList<>();
    Set<AuthClientType> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      Object item = list.get(i);
      Optional<AuthClientType> type =
          item instanceof String s ? AuthClientType.fromWireName(s) : Optional.empty();
      if (type.isEmpty()) {
        violations.add(
            new Violation(
                field + "/" + i,
                "invalid_auth_client_type",
                "authClientTypes["
                    + i
                    + "] is "
                    + describe(item)
                    + "; each entry must be exactly one of "
                    + AuthClientType.wireNames()
                    + " (case and spelling exact)"));
      } else if (!seen.add(type.get())) {
        violations.add(
            new Violation(
                field + "/" + i,
                "duplicate_auth_client_type",
                "authClientTypes lists \"" + type.get().wireName() + "\" more than once"));
      } else {
        types.add(type.get());
      }
    }
    return types;
  }

  private static Optional<ViewClass> parseViewClass(
      Map<?, ?> credentials, String credField, List<Violation> violations) {
    Object fields = credentials.get("fields");
    if (fields == null) {
      return Optional.empty();
    }
    if (!(fields instanceof Map<?, ?> f)) {
      violations.add(
          new Violation(
              credField + "/fields", "invalid_descriptor", "credentials.fields must be an object"));
      return Optional.empty();
    }
    Object auth = f.get("auth");
    if (auth == null) {
      return Optional.empty();
    }
    if (!(auth instanceof Map<?, ?> a)) {
      violations.add(
          new Violation(
              credField + "/fields/auth",
              "invalid_descriptor",
              "credentials.fields.auth must be an object"));
      return Optional.empty();
    }
    Object viewClass = a.get("viewClass");
    if (viewClass == null) {
      return Optional.empty();
    }
    Optional<ViewClass> parsed =
        viewClass instanceof String s ? ViewClass.fromWireName(s) : Optional.empty();
    if (parsed.isEmpty()) {
      violations.add(
          new Violation(
              credField + "/fields/auth/viewClass",
              "invalid_view_class",
              "viewClass is "
                  + describe(viewClass)
                  + "; it must be HTTPAuthView or OAuthFieldView"));
    }
    return parsed;
  }

  private static Optional<List<String>> parseScopes(
      Map<?, ?> credentials, String credField, List<Violation> violations) {
    Object oauth2 = credentials.get("oauth2");
    if (oauth2 == null) {
      return Optional.empty();
    }
    String field = credField + "/oauth2";
    if (!(oauth2 instanceof Map<?, ?> o)) {
      violations.add(
          new Violation(field, "invalid_descriptor", "credentials.oauth2 must be an object"));
      return Optional.empty();
    }
    Object scopes = o.get("scopes");
    if (scopes == null) {
      return Optional.empty();
    }
    if (!(scopes instanceof List<?> list)
        || list.isEmpty()
        || !list.stream().allMatch(s -> s instanceof String str && isScopeToken(str))) {
      violations.add(
          new Violation(
              field + "/scopes",
              "invalid_scopes",
              "credentials.oauth2.scopes must be a non-empty array of scope strings without"
                  + " spaces"));
      return Optional.empty();
    }
    return Optional.of(list.stream().map(String.class::cast).toList());
  }

  /** A scope token as RFC 6749 §3.3 defines it: printable ASCII without space, quote, backslash. */
  static boolean isScopeToken(String s) {
    return !s.isEmpty()
        && s.chars()
            .allMatch(c -> c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E));
  }

  private static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String s) {
      return "\"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
    }
    return "a " + (value instanceof List ? "list" : value instanceof Map ? "object" : "value");
  }
}
