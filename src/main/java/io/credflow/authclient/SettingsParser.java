package io.credflow.authclient;

import com.dashjoin.jsonata.Jsonata;
import io.credflow.common.Field;
import io.credflow.common.Members;
import io.credflow.common.Secret;
import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import io.credflow.component.AuthClientType;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns an auth-client's {@code credentials} member into its typed settings, checking every member
 * the type knows and refusing the ones it does not.
 */
public final class SettingsParser {
  /** The longest token lifetime accepted in {@code token_expires_in}: ten years, in seconds. */
  public static final long MAX_TOKEN_EXPIRES_IN = 10L * 366 * 24 * 3600;

  static final String TOKEN_EXPIRED_WHEN = "token_expired_when";

  /** Seconds an oauth2 provider's refresh tokens live when its token responses do not say. */
  public static final String REFRESH_TOKEN_LIFETIME = "refresh_token_lifetime";

  /** When an oauth2 auth-client's client secret stops working: an ISO-8601 instant or date. */
  public static final String CLIENT_SECRET_EXPIRES_AT = "client_secret_expires_at";

  /** The optional request that checks an auth-client's credentials, for every type but noauth. */
  public static final String VERIFY_REQUEST = "verify_request";

  static final Set<String> BASIC_MEMBERS = Set.of("name", VERIFY_REQUEST);
  static final Set<String> API_KEY_MEMBERS = Set.of("name", "value", "in", VERIFY_REQUEST);
  static final Set<String> OAUTH2_MEMBERS =
      Set.of(
          "client_id",
          "client_secret",
          "auth_uri",
          "token_uri",
          "refresh_token_uri",
          "token_expires_in",
          "revocation_uri",
          "client_auth",
          "pkce",
          "scopes",
          "extra_auth_params",
          "token_expired_when",
          VERIFY_REQUEST,
          REFRESH_TOKEN_LIFETIME,
          CLIENT_SECRET_EXPIRES_AT);
  static final Set<String> INSTAGRAM_MEMBERS =
      Set.of(
          "client_id",
          "client_secret",
          "auth_uri",
          "token_uri",
          "exchange_uri",
          "refresh_uri",
          "token_expires_in",
          "scopes",
          "token_expired_when",
          VERIFY_REQUEST);

  private SettingsParser() {}

  /** The auth-client type spelled {@code wireName}; anything else is refused at {@code field}. */
  public static AuthClientType type(String wireName, String field) {
    return AuthClientType.fromWireName(wireName)
        .orElseThrow(
            () ->
                new ValidationException(
                    field,
                    "invalid_auth_client_type",
                    "type must be exactly one of "
                        + AuthClientType.wireNames()
                        + ", was \""
                        + wireName
                        + "\""));
  }

  /**
   * The settings for {@code type} from {@code tree}; throws a {@link
   * io.credflow.common.ValidationException} naming every member to fix, as fields under {@code
   * base} (e.g. {@code credentials}).
   */
  public static AuthClientSettings parse(AuthClientType type, Object tree, String base) {
    Members m = Members.of(tree, base, type.wireName() + " credentials");
    List<Violation> nested = new ArrayList<>();
    AuthClientSettings settings =
        switch (type) {
          case NOAUTH -> noauth(m);
          case BASIC -> basic(m);
          case API_KEY -> apiKey(m);
          case OAUTH2 -> oauth2(m, nested);
          case OAUTH2_INSTAGRAM -> instagram(m, nested);
        };
    List<Violation> all = new ArrayList<>(m.violations());
    all.addAll(nested);
    if (!all.isEmpty()) {
      throw new ValidationException(all);
    }
    return settings;
  }

  private static AuthClientSettings noauth(Members m) {
    m.allowOnly(Set.of());
    return new NoAuthSettings();
  }

  private static AuthClientSettings basic(Members m) {
    m.allowOnly(BASIC_MEMBERS);
    return new BasicSettings(m.string("name", false), verifyRequest(m));
  }

  private static AuthClientSettings apiKey(Members m) {
    m.allowOnly(API_KEY_MEMBERS);
    Optional<String> name = m.string("name", true);
    ApiKeySettings.Placement in =
        ApiKeySettings.Placement.valueOf(
            m.oneOf("in", List.of("header", "query"), "header").toUpperCase(java.util.Locale.ROOT));
    if (name.isPresent() && !isToken(name.get())) {
      m.violation(
          "name",
          "invalid_header_name",
          "name must be a valid HTTP header name (letters, digits and !#$%&'*+-.^_`|~), was \""
              + name.get()
              + "\"");
    }
    if (name.isPresent()
        && in == ApiKeySettings.Placement.HEADER
        && name.get().equalsIgnoreCase("host")) {
      m.violation("name", "invalid_header_name", "the Host header cannot carry an API key");
    }
    Optional<Secret> value = m.secret("value", false);
    return new ApiKeySettings(name.orElse("X-Api-Key"), value, in, verifyRequest(m));
  }

  private static AuthClientSettings oauth2(Members m, List<Violation> nested) {
    m.allowOnly(OAUTH2_MEMBERS);
    String clientId = m.string("client_id", true).orElse("");
    Secret secret = m.secret("client_secret", true).orElse(Secret.of(""));
    URI auth = m.url("auth_uri", true).orElse(URI.create("https://invalid"));
    URI token = m.url("token_uri", true).orElse(URI.create("https://invalid"));
    Optional<URI> refresh = m.url("refresh_token_uri", false);
    long expiresIn =
        m.longInRange("token_expires_in", 1, MAX_TOKEN_EXPIRES_IN)
            .orElse(OAuth2Settings.DEFAULT_TOKEN_EXPIRES_IN);
    Optional<URI> revocation = m.url("revocation_uri", false);
    OAuth2Settings.ClientAuth clientAuth =
        m.oneOf("client_auth", List.of("post", "basic"), "post").equals("basic")
            ? OAuth2Settings.ClientAuth.BASIC
            : OAuth2Settings.ClientAuth.POST;
    boolean pkce = m.bool("pkce").orElse(true);
    Optional<List<String>> scopes = scopes(m);
    Map<String, String> extra = m.stringMap("extra_auth_params");
    for (String reserved :
        List.of(
            "response_type",
            "client_id",
            "redirect_uri",
            "scope",
            "state",
            "code_challenge",
            "code_challenge_method")) {
      if (extra.containsKey(reserved)) {
        m.violation(
            "extra_auth_params",
            "reserved_parameter",
            "extra_auth_params cannot set \"" + reserved + "\"; Credflow sets it itself");
      }
    }
    return new OAuth2Settings(
        clientId,
        secret,
        auth,
        token,
        refresh,
        expiresIn,
        revocation,
        clientAuth,
        pkce,
        scopes,
        extra,
        tokenExpiredWhen(m, nested),
        verifyRequest(m),
        m.longInRange(REFRESH_TOKEN_LIFETIME, 1, MAX_TOKEN_EXPIRES_IN),
        instant(m, CLIENT_SECRET_EXPIRES_AT));
  }

  /**
   * An ISO-8601 instant ({@code 2030-01-31T12:00:00Z}, or with an offset) or date ({@code
   * 2030-01-31}, read as the start of that day in UTC), stored as the instant.
   */
  private static Optional<Instant> instant(Members m, String name) {
    if (!m.has(name)) {
      return Optional.empty();
    }
    Object value = m.get(name);
    if (value instanceof String text) {
      String t = text.strip();
      try {
        return Optional.of(OffsetDateTime.parse(t).toInstant());
      } catch (DateTimeParseException notADateTime) {
        try {
          return Optional.of(LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant());
        } catch (DateTimeParseException notADate) {
          // reported below
        }
      }
    }
    m.violation(
        name,
        "invalid_date",
        name
            + " must be an ISO-8601 instant or date, e.g. \"2030-01-31T12:00:00Z\" or"
            + " \"2030-01-31\", was "
            + (value instanceof String ? "\"" + value + "\"" : String.valueOf(value)));
    return Optional.empty();
  }

  private static AuthClientSettings instagram(Members m, List<Violation> nested) {
    m.allowOnly(INSTAGRAM_MEMBERS);
    String clientId = m.string("client_id", true).orElse("");
    Secret secret = m.secret("client_secret", true).orElse(Secret.of(""));
    return new InstagramSettings(
        clientId,
        secret,
        m.url("auth_uri", false).orElse(InstagramSettings.DEFAULT_AUTH_URI),
        m.url("token_uri", false).orElse(InstagramSettings.DEFAULT_TOKEN_URI),
        m.url("exchange_uri", false).orElse(InstagramSettings.DEFAULT_EXCHANGE_URI),
        m.url("refresh_uri", false).orElse(InstagramSettings.DEFAULT_REFRESH_URI),
        m.longInRange("token_expires_in", 1, MAX_TOKEN_EXPIRES_IN)
            .orElse(InstagramSettings.DEFAULT_TOKEN_EXPIRES_IN),
        scopes(m),
        tokenExpiredWhen(m, nested),
        verifyRequest(m));
  }

  /**
   * {@code token_expired_when}: {@code status}, a list of statuses, and {@code body}, a JSONata
   * predicate; at least one of them. The predicate is compiled here so that a bad one is refused
   * when the auth-client is written, not found out by the first request that meets it.
   */
  private static Optional<TokenExpiredWhen> tokenExpiredWhen(
      Members m, List<Violation> violations) {
    if (!m.has(TOKEN_EXPIRED_WHEN)) {
      return Optional.empty();
    }
    Members t =
        Members.of(m.get(TOKEN_EXPIRED_WHEN), m.field(TOKEN_EXPIRED_WHEN), "expiry signals");
    t.allowOnly(Set.of("status", "body"));
    if (t.violations().isEmpty() && !t.has("status") && !t.has("body")) {
      m.violation(
          TOKEN_EXPIRED_WHEN,
          "missing_member",
          "token_expired_when needs \"status\" (a list of statuses), \"body\" (a JSONata"
              + " predicate over {status, headers, body}), or both");
    }
    List<Integer> statuses = expiryStatuses(t, violations);
    Optional<String> body = t.string("body", false);
    body.ifPresent(text -> checkPredicate(t, text));
    violations.addAll(t.violations());
    return violations.isEmpty()
        ? Optional.of(new TokenExpiredWhen(statuses, body))
        : Optional.empty();
  }

  private static List<Integer> expiryStatuses(Members t, List<Violation> violations) {
    if (!t.has("status")) {
      return List.of();
    }
    if (!(t.get("status") instanceof List<?> items)
        || items.isEmpty()
        || items.size() > TokenExpiredWhen.MAX_STATUSES) {
      t.violation(
          "status",
          "invalid_type",
          "status must be a list of 1 to "
              + TokenExpiredWhen.MAX_STATUSES
              + " HTTP statuses, e.g. [401, 403]");
      return List.of();
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Object item = items.get(i);
      boolean whole = item instanceof Integer || item instanceof Long;
      long code = whole ? ((Number) item).longValue() : -1;
      if (code < 100 || code > 599) {
        violations.add(
            new Violation(
                Field.item(t.field("status"), i),
                "invalid_status",
                "each status must be a whole number from 100 to 599, was " + item));
      } else if (!out.contains((int) code)) {
        out.add((int) code);
      }
    }
    return out;
  }

  private static void checkPredicate(Members t, String text) {
    if (text.isBlank()) {
      t.violation("body", "invalid_expression", "body must be a JSONata predicate, was empty");
      return;
    }
    try {
      Jsonata.jsonata(text);
    } catch (RuntimeException | StackOverflowError e) {
      String why = e instanceof StackOverflowError ? "it nests too deeply" : e.getMessage();
      t.violation(
          "body",
          "invalid_expression",
          "body must be a JSONata predicate over {status, headers, body}, e.g. \"body.error.code"
              + " = 190\": "
              + why);
    }
  }

  /**
   * The {@code verify_request} member: an object of the request spec's reader shape, whose rules
   * the executor checks when the auth-client is written ({@link VerifyRequest.Check}).
   */
  private static Optional<VerifyRequest> verifyRequest(Members m) {
    if (!m.has(VERIFY_REQUEST)) {
      return Optional.empty();
    }
    if (!(m.get(VERIFY_REQUEST) instanceof Map<?, ?> reader)) {
      m.violation(
          VERIFY_REQUEST,
          "invalid_type",
          VERIFY_REQUEST
              + " must be an object: a request's reader, e.g. {\"method\":\"GET\","
              + "\"url\":\"https://api.example.com/me\"}");
      return Optional.empty();
    }
    Map<String, Object> members = new java.util.LinkedHashMap<>();
    reader.forEach((k, v) -> members.put(String.valueOf(k), v));
    return Optional.of(new VerifyRequest(members));
  }

  private static Optional<List<String>> scopes(Members m) {
    return m.stringList(
        "scopes",
        s -> !s.isEmpty() && s.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\'),
        "a non-empty array of scope strings without spaces");
  }

  /** An HTTP token (RFC 9110 §5.6.2): header names and similar. */
  public static boolean isToken(String s) {
    if (s.isEmpty() || s.length() > 256) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
