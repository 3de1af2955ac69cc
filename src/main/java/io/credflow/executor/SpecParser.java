package io.credflow.executor;

import io.credflow.common.Members;
import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import io.credflow.executor.RequestSpec.BodyTemplate;
import io.credflow.executor.RequestSpec.Field;
import io.credflow.executor.RequestSpec.HeaderTemplate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a REST API V2 configuration (parsed JSON: maps, lists, strings, numbers) into a {@link
 * RequestSpec}, collecting every problem with its field so one answer lists them all.
 */
public final class SpecParser {
  public static final long MAX_TIMEOUT_MS = 1_140_000;
  public static final int MAX_RETRIES = 10;
  public static final int MAX_REDIRECTS = 10;
  public static final int MAX_HEADERS = 100;
  public static final int MAX_FIELDS = 1_000;

  /** The largest {@code maxContentLength} (and its default): 20 MiB, as the component's. */
  public static final long MAX_CONTENT_LENGTH = 20L * 1024 * 1024;

  /**
   * The largest {@code maxContentLength} (and its default) with {@code downloadAsAttachment}: 100
   * MiB, as the component's.
   */
  public static final long MAX_ATTACHMENT_CONTENT_LENGTH = Attachments.MAX_BYTES;

  /** The largest {@code maxBodyLength}; without one a request body is not limited. */
  public static final long MAX_BODY_LENGTH = Integer.MAX_VALUE;

  /** A number the component's text fields send as a string: digits, an optional sign. */
  private static final Pattern NUMERIC = Pattern.compile("[+-]?[0-9]{1,18}");

  /** Longest expression accepted; a raw body expression may be a whole JSON template. */
  static final int MAX_EXPRESSION = 256 * 1024;

  private static final Set<String> CONFIG_MEMBERS =
      Set.of(
          "reader",
          "errorPolicy",
          "errorCodes",
          "ignoreErrorCodes",
          "maxRetries",
          "maxRedirects",
          "requestTimeoutPeriod",
          "delay",
          "responseEncoding",
          "noStrictSSL",
          "maxContentLength",
          "maxBodyLength",
          "downloadAsAttachment",
          "uploadFile");
  private static final Set<String> READER_MEMBERS = Set.of("method", "url", "headers", "body");
  private static final Set<String> BODY_MEMBERS =
      Set.of("contentType", "raw", "urlencoded", "formData", "encoding");
  private static final Set<String> FIELD_MEMBERS =
      Set.of("key", "value", "filename", "contentType", "encoding");
  private static final Set<String> HEADER_MEMBERS = Set.of("key", "value");

  /** RFC 9110 token characters: what a header name may be made of. */
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}");

  /**
   * Headers the transport owns; a spec that sets them would break the request framing ({@code
   * Expect: 100-continue} would make the client wait for an interim answer it no longer handles).
   */
  private static final Set<String> TRANSPORT_HEADERS =
      Set.of(
          "host",
          "content-length",
          "transfer-encoding",
          "connection",
          "upgrade",
          "te",
          "trailer",
          "keep-alive",
          "proxy-connection",
          "expect");

  private SpecParser() {}

  /** Specs already parsed, by configuration and field; past this the cache starts over. */
  private static final int CACHE_LIMIT = 1_000;

  private record Key(Object config, String base) {}

  private static final io.credflow.common.BoundedCache<Key, RequestSpec> PARSED =
      new io.credflow.common.BoundedCache<>(CACHE_LIMIT);

  /**
   * {@link #parse}, remembering valid specs by their configuration: a flow step sends the same
   * configuration with every message. {@code config} must not be changed afterwards; callers keep
   * large configurations out (see {@code RequestRoutes}).
   */
  public static RequestSpec parseCached(Object config, String base) {
    Key key = new Key(config, base);
    RequestSpec known = PARSED.get(key);
    if (known != null) {
      return known;
    }
    RequestSpec spec = parse(config, base);
    PARSED.put(key, spec);
    return spec;
  }

  /** The spec in {@code config}, whose field is {@code base} (e.g. {@code config}). */
  public static RequestSpec parse(Object config, String base) {
    Members m = Members.of(config, base, "request configurations");
    m.allowOnly(CONFIG_MEMBERS);
    List<Violation> violations = new ArrayList<>();

    boolean uploadFile = flag(m, "uploadFile");
    Members reader = Members.of(Map.of(), base, "readers");
    RequestSpec.Method method = RequestSpec.Method.GET;
    Expression url = null;
    List<HeaderTemplate> headers = List.of();
    BodyTemplate body = new BodyTemplate.None();
    if (!m.has("reader")) {
      m.violation("reader", "missing_member", "request configurations need \"reader\"");
    } else {
      reader = Members.of(m.get("reader"), m.field("reader"), "readers");
      reader.allowOnly(READER_MEMBERS);
      String methodName =
          reader.oneOf(
              "method",
              Arrays.stream(RequestSpec.Method.values()).map(Enum::name).toList(),
              RequestSpec.Method.GET.name());
      method = RequestSpec.Method.valueOf(methodName);
      url = expression(reader, "url", true).orElse(null);
      headers = headers(reader, violations);
      body = body(reader, uploadFile, violations);
    }

    ErrorPolicy policy =
        ErrorPolicy.fromWire(
                m.oneOf(
                    "errorPolicy", ErrorPolicy.wireNames(), ErrorPolicy.BY_COMPONENT.wireName()))
            .orElseThrow();
    StatusCodes errorCodes = codes(m, "errorCodes", StatusCodes.DEFAULT_ERRORS, violations);
    StatusCodes ignoreCodes = codes(m, "ignoreErrorCodes", StatusCodes.NONE, violations);
    int maxRetries =
        number(m, "maxRetries", 0, MAX_RETRIES)
            .map(Long::intValue)
            .orElse(RequestSpec.DEFAULT_MAX_RETRIES);
    int maxRedirects =
        number(m, "maxRedirects", 0, MAX_REDIRECTS)
            .map(Long::intValue)
            .orElse(RequestSpec.DEFAULT_MAX_REDIRECTS);
    Duration timeout =
        number(m, "requestTimeoutPeriod", 1, MAX_TIMEOUT_MS)
            .map(Duration::ofMillis)
            .orElse(RequestSpec.DEFAULT_TIMEOUT);
    Duration delay =
        number(m, "delay", 0, MAX_TIMEOUT_MS).map(Duration::ofMillis).orElse(Duration.ZERO);
    boolean download = flag(m, "downloadAsAttachment");
    int maxContentLength = maxContentLength(m, download);
    long maxBodyLength =
        number(m, "maxBodyLength", 1, MAX_BODY_LENGTH).orElse(RequestSpec.UNLIMITED_BODY);
    boolean noStrictSsl = flag(m, "noStrictSSL");
    ResponseEncoding encoding = ResponseEncoding.UTF8;
    if (m.has("responseEncoding")) {
      try {
        encoding =
            ResponseEncoding.parse(
                String.valueOf(m.get("responseEncoding")), m.field("responseEncoding"));
      } catch (ValidationException e) {
        violations.addAll(e.violations());
      }
    }

    List<Violation> all = new ArrayList<>(m.violations());
    all.addAll(reader.violations());
    all.addAll(violations);
    if (!all.isEmpty()) {
      throw new ValidationException(all);
    }
    return new RequestSpec(
        method,
        url,
        headers,
        body,
        policy,
        errorCodes,
        ignoreCodes,
        maxRetries,
        maxRedirects,
        timeout,
        delay,
        encoding,
        maxContentLength,
        maxBodyLength,
        noStrictSsl,
        download,
        uploadFile,
        base);
  }

  /**
   * {@code maxContentLength}: up to 20 MiB, or 100 MiB with {@code downloadAsAttachment}; by
   * default the most allowed.
   */
  private static int maxContentLength(Members m, boolean download) {
    long max = download ? MAX_ATTACHMENT_CONTENT_LENGTH : MAX_CONTENT_LENGTH;
    // Checked here rather than by number(), whose message could not name both limits.
    Optional<Long> given = number(m, "maxContentLength", 1, Long.MAX_VALUE);
    if (given.isPresent() && given.get() > max) {
      m.violation(
          "maxContentLength",
          "out_of_range",
          "maxContentLength must be from 1 to "
              + MAX_CONTENT_LENGTH
              + " ("
              + MAX_ATTACHMENT_CONTENT_LENGTH
              + " with downloadAsAttachment), was "
              + given.get());
    }
    return (int) given.filter(n -> n <= max).orElse(max).longValue();
  }

  /**
   * A whole number in {@code [min, max]}, given as a JSON number or, as the component's text fields
   * send it, a string of digits ({@code "3"}).
   */
  private static Optional<Long> number(Members m, String name, long min, long max) {
    if (!(m.get(name) instanceof String text)) {
      return m.longInRange(name, min, max);
    }
    String digits = text.strip();
    if (!NUMERIC.matcher(digits).matches()) {
      m.violation(
          name,
          "invalid_type",
          name
              + " must be a whole number from "
              + min
              + " to "
              + max
              + " (a number, or digits in a string), was \""
              + (text.length() > 40 ? text.substring(0, 40) + "…" : text)
              + "\"");
      return Optional.empty();
    }
    long n = Long.parseLong(digits);
    if (n < min || n > max) {
      m.violation(
          name, "out_of_range", name + " must be from " + min + " to " + max + ", was " + n);
      return Optional.empty();
    }
    return Optional.of(n);
  }

  /** A checkbox: {@code true} or {@code false}, also as the strings a form sends; off if absent. */
  private static boolean flag(Members m, String name) {
    Object v = m.get(name);
    if (v == null || Boolean.FALSE.equals(v) || "false".equals(v)) {
      return false;
    }
    if (Boolean.TRUE.equals(v) || "true".equals(v)) {
      return true;
    }
    m.violation(name, "invalid_type", name + " must be true or false");
    return false;
  }

  private static StatusCodes codes(
      Members m, String name, StatusCodes fallback, List<Violation> violations) {
    if (!m.has(name)) {
      return fallback;
    }
    try {
      return StatusCodes.parse(m.get(name), m.field(name));
    } catch (ValidationException e) {
      violations.addAll(e.violations());
      return fallback;
    }
  }

  private static List<HeaderTemplate> headers(Members reader, List<Violation> violations) {
    Optional<List<Members>> items = list(reader, "headers", MAX_HEADERS, "headers", violations);
    if (items.isEmpty()) {
      return List.of();
    }
    List<HeaderTemplate> out = new ArrayList<>();
    for (Members h : items.get()) {
      h.allowOnly(HEADER_MEMBERS);
      Optional<String> key = h.string("key", true);
      Optional<Expression> value = expression(h, "value", true);
      key.ifPresent(
          k -> {
            if (!TOKEN.matcher(k).matches()) {
              h.violation(
                  "key",
                  "invalid_header_name",
                  "\"" + k + "\" is not a valid header name (letters, digits and !#$%&'*+.^_`|~-)");
            } else if (TRANSPORT_HEADERS.contains(k.toLowerCase(Locale.ROOT))) {
              h.violation(
                  "key",
                  "reserved_header",
                  k + " is set by the transport and cannot be set in a request configuration");
            }
          });
      violations.addAll(h.violations());
      if (key.isPresent() && value.isPresent() && h.violations().isEmpty()) {
        out.add(new HeaderTemplate(key.get(), value.get()));
      }
    }
    return out;
  }

  private static BodyTemplate body(Members reader, boolean uploadFile, List<Violation> violations) {
    if (!reader.has("body")) {
      return new BodyTemplate.None();
    }
    Members b = Members.of(reader.get("body"), reader.field("body"), "bodies");
    b.allowOnly(BODY_MEMBERS);
    List<String> kinds = List.of("raw", "urlencoded", "formData").stream().filter(b::has).toList();
    BodyTemplate body = new BodyTemplate.None();
    Optional<String> contentType = b.string("contentType", false);
    boolean base64 = b.oneOf("encoding", List.of("utf8", "base64"), "utf8").equals("base64");
    if (kinds.size() > 1) {
      b.violation(
          kinds.get(1),
          "conflicting_members",
          "a body has one of raw, urlencoded or formData, not " + String.join(" and ", kinds));
    } else if (kinds.equals(List.of("raw"))) {
      Optional<Expression> raw = expression(b, "raw", true);
      if (raw.isPresent()) {
        body =
            new BodyTemplate.Raw(
                contentType.orElse(base64 ? "application/octet-stream" : "application/json"),
                raw.get(),
                base64);
      }
    } else if (kinds.equals(List.of("urlencoded"))) {
      body = new BodyTemplate.Urlencoded(fields(b, "urlencoded", false, violations));
    } else if (kinds.equals(List.of("formData"))) {
      body = new BodyTemplate.FormData(fields(b, "formData", true, violations));
    } else if (contentType.isPresent()) {
      b.violation(
          "raw", "missing_member", "a body with a contentType needs raw, urlencoded or formData");
    }
    if (base64 && !(body instanceof BodyTemplate.Raw)) {
      b.violation("encoding", "invalid_value", "encoding base64 applies to a raw body only");
    }
    if (base64 && uploadFile && body instanceof BodyTemplate.Raw r && r.uploadsFile(true)) {
      b.violation(
          "encoding",
          "conflicting_members",
          "with uploadFile an application/octet-stream raw body is the URL of the bytes to send;"
              + " encoding base64 does not apply");
    }
    violations.addAll(b.violations());
    return body;
  }

  private static List<Field> fields(
      Members body, String name, boolean multipart, List<Violation> violations) {
    Optional<List<Members>> items = list(body, name, MAX_FIELDS, name + " entries", violations);
    if (items.isEmpty()) {
      return List.of();
    }
    List<Field> out = new ArrayList<>();
    for (Members f : items.get()) {
      f.allowOnly(multipart ? FIELD_MEMBERS : HEADER_MEMBERS);
      Optional<String> key = f.string("key", true);
      Optional<Expression> value = expression(f, "value", true);
      Optional<String> filename = multipart ? f.string("filename", false) : Optional.empty();
      Optional<String> type = multipart ? f.string("contentType", false) : Optional.empty();
      boolean base64 =
          multipart && f.oneOf("encoding", List.of("utf8", "base64"), "utf8").equals("base64");
      violations.addAll(f.violations());
      if (key.isPresent() && value.isPresent() && f.violations().isEmpty()) {
        out.add(new Field(key.get(), value.get(), filename, type, base64));
      }
    }
    return out;
  }

  /** A list of objects, each read with its own pointer. */
  private static Optional<List<Members>> list(
      Members parent, String name, int max, String what, List<Violation> violations) {
    if (!parent.has(name)) {
      return Optional.empty();
    }
    if (!(parent.get(name) instanceof List<?> items)) {
      parent.violation(name, "invalid_type", name + " must be a list of {key, value} objects");
      return Optional.empty();
    }
    if (items.size() > max) {
      parent.violation(name, "too_many", what + " are limited to " + max);
      return Optional.empty();
    }
    List<Members> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      out.add(Members.of(items.get(i), io.credflow.common.Field.item(parent.field(name), i), what));
    }
    return Optional.of(out);
  }

  private static Optional<Expression> expression(Members m, String name, boolean required) {
    if (!m.has(name)) {
      if (required) {
        m.violation(name, "missing_member", "\"" + name + "\" is required");
      }
      return Optional.empty();
    }
    if (!(m.get(name) instanceof String text) || text.isBlank()) {
      m.violation(
          name,
          "invalid_type",
          name + " must be a JSONata expression in a string (quote literals: \"\\\"text\\\"\")");
      return Optional.empty();
    }
    if (text.length() > MAX_EXPRESSION) {
      m.violation(
          name, "member_too_long", name + " must be at most " + MAX_EXPRESSION + " characters");
      return Optional.empty();
    }
    try {
      return Optional.of(Expression.compile(text, m.field(name)));
    } catch (ValidationException e) {
      e.violations().forEach(v -> m.violation(name, v.code(), v.detail()));
      return Optional.empty();
    }
  }
}
