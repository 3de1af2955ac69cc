package io.credflow.console;

import io.credflow.console.view.Choice;
import io.credflow.console.view.ConfigField;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The REST API V2 request's configuration as the designer's form shows it: one field per member of
 * {@code config}, named by its path ({@code reader/url}, {@code maxRetries}), with the component's
 * label and help text. {@link #config} turns what was typed into the configuration the API takes
 * (so the parser that checks API requests checks the form too), {@link #values} the other way, and
 * {@link #fieldOf} places a problem's path at its field.
 */
final class StepFields {
  /** How a field is typed. */
  enum Kind {
    /** One line of JSONata. */
    EXPRESSION,
    /** Several lines of JSONata. */
    EXPRESSION_AREA,
    /** {@code Name: JSONata} per line. */
    LINES,
    TEXT,
    NUMBER,
    CHECKBOX,
    SELECT
  }

  private static ConfigField field(
      String name, String label, String help, Kind kind, List<Choice> options, String placeholder) {
    return new ConfigField(name, label, help, kind.name(), options, placeholder);
  }

  static final String METHOD = "reader/method";
  static final String URL = "reader/url";
  static final String HEADERS = "reader/headers";
  static final String CONTENT_TYPE = "reader/body/contentType";
  static final String BODY = "reader/body";
  static final String BODY_ENCODING = "reader/body/encoding";

  static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

  /** The body types the form offers; the last two take fields, the others a raw body. */
  static final List<String> CONTENT_TYPES =
      List.of(
          "application/json",
          "text/plain",
          "application/xml",
          "text/html",
          "application/octet-stream",
          "application/x-www-form-urlencoded",
          "multipart/form-data");

  private static final String URLENCODED = "application/x-www-form-urlencoded";
  private static final String MULTIPART = "multipart/form-data";

  /** The request's fields, in the component's order. */
  static final List<ConfigField> REQUEST =
      List.of(
          field(
              METHOD,
              "HTTP Method",
              "The request's method.",
              Kind.SELECT,
              METHODS.stream().map(m -> option(m, m)).toList(),
              ""),
          field(
              URL,
              "URL",
              "Where the request goes: a plain https:// address, or JSONata over the message, such"
                  + " as \"https://api.example.com/orders/\" & body.id",
              Kind.EXPRESSION,
              List.of(),
              "https://api.example.com/orders"),
          field(
              HEADERS,
              "Headers",
              "One per line, Name: JSONata value, such as Accept: \"application/json\". The"
                  + " credential adds its own Authorization header.",
              Kind.LINES,
              List.of(),
              "Accept: \"application/json\""),
          field(
              CONTENT_TYPE,
              "Body type",
              "The request body's Content-Type; no body when none is chosen.",
              Kind.SELECT,
              contentTypes(),
              ""),
          field(
              BODY,
              "Body",
              "JSONata over the message, such as {\"name\": body.name}; for a form type, one field"
                  + " per line, name: JSONata value.",
              Kind.EXPRESSION_AREA,
              List.of(),
              "{\"name\": body.name}"),
          field(
              BODY_ENCODING,
              "Body encoding",
              "base64: the body expression gives base64, and its bytes are sent.",
              Kind.SELECT,
              List.of(option("", "utf8 (text)"), option("base64", "base64 (bytes)")),
              ""));

  /** The component's settings, in its order. */
  static final List<ConfigField> SETTINGS =
      List.of(
          field(
              "errorPolicy",
              "Error Handling Policy",
              "What happens on a status in Error Codes, a timeout or a lost connection.",
              Kind.SELECT,
              List.of(
                  option("byComponent", "Retry by component"),
                  option("rebound", "Use rebound functionality"),
                  option("throwError", "Don't retry, throw error"),
                  option("emit", "Emit error as message, don't throw")),
              ""),
          field(
              "errorCodes",
              "Error Codes for Error Handling Policy",
              "Codes and ranges, comma-separated, above 299. Empty: 408, 423, 429 and every code"
                  + " from 500.",
              Kind.TEXT,
              List.of(),
              "408, 423, 429, 500-599"),
          field(
              "ignoreErrorCodes",
              "Error Codes to emit as messages",
              "These answers become a normal result; they win over Error Codes.",
              Kind.TEXT,
              List.of(),
              "404"),
          field(
              "maxRetries",
              "Maximum Retries",
              "0 to 10 (default 10): attempts under Retry by component; one is always made.",
              Kind.NUMBER,
              List.of(),
              "10"),
          field(
              "maxRedirects",
              "Maximum Redirects",
              "0 to 10 (default 5); 0 follows none.",
              Kind.NUMBER,
              List.of(),
              "5"),
          field(
              "delay",
              "Delay in ms",
              "0 to 1,140,000: the next request of this step starts at least this long after the"
                  + " previous one began.",
              Kind.NUMBER,
              List.of(),
              "0"),
          field(
              "requestTimeoutPeriod",
              "Request Timeout",
              "1 to 1,140,000 ms per attempt (default 60,000).",
              Kind.NUMBER,
              List.of(),
              "60000"),
          field(
              "maxContentLength",
              "Response Size Limit",
              "In bytes: up to 20 MB (the default), 100 MB with Download as Attachment.",
              Kind.NUMBER,
              List.of(),
              "20971520"),
          field(
              "maxBodyLength",
              "Request Size Limit",
              "In bytes; unlimited when empty.",
              Kind.NUMBER,
              List.of(),
              ""),
          field(
              "responseEncoding",
              "Response Encoding",
              "utf8 returns the body as text (or JSON); base64 returns it encoded.",
              Kind.SELECT,
              List.of(option("", "utf8"), option("base64", "base64")),
              ""),
          field(
              "downloadAsAttachment",
              "Download as Attachment",
              "Store the answer as an attachment and return its URL (attachmentUrl) instead of"
                  + " the body.",
              Kind.CHECKBOX,
              List.of(),
              ""),
          field(
              "uploadFile",
              "Upload File",
              "application/octet-stream: the body is the URL of a file whose bytes are sent;"
                  + " multipart/form-data: a field may be {url, filename} whose file is sent.",
              Kind.CHECKBOX,
              List.of(),
              ""),
          field(
              "noStrictSSL",
              "Do Not Verify SSL Certificate (Unsafe)",
              "Skip certificate verification for this request.",
              Kind.CHECKBOX,
              List.of(),
              ""));

  /** Every field's name, request first. */
  static final List<String> NAMES = names();

  private static final Pattern LITERAL_URL = Pattern.compile("https?://[^\\s\"\\\\]+");
  private static final Pattern QUOTED_URL = Pattern.compile("\"(https?://[^\\s\"\\\\]+)\"");
  private static final Pattern ITEM =
      Pattern.compile("(reader/headers|reader/body/\\w+)/(\\d+)/.*");

  private StepFields() {}

  private static Choice option(String value, String label) {
    return new Choice(value, label, false);
  }

  private static List<Choice> contentTypes() {
    List<Choice> out = new ArrayList<>();
    out.add(option("", "none"));
    CONTENT_TYPES.forEach(t -> out.add(option(t, t)));
    return List.copyOf(out);
  }

  private static List<String> names() {
    List<String> out = new ArrayList<>();
    REQUEST.forEach(f -> out.add(f.name()));
    SETTINGS.forEach(f -> out.add(f.name()));
    return List.copyOf(out);
  }

  /**
   * The configuration the API takes for what was typed: empty fields are left out (the component's
   * defaults apply), a plain http(s) URL is quoted into the JSONata string it means, and lines
   * become headers or form fields. What cannot be read (a line without ':') is left for the parser
   * to name, at that line.
   */
  static Map<String, Object> config(Map<String, String> typed) {
    Map<String, Object> reader = new LinkedHashMap<>();
    reader.put("method", typed.getOrDefault(METHOD, "GET"));
    String url = typed.getOrDefault(URL, "").strip();
    if (!url.isEmpty()) {
      // Left out when empty, so the parser says it is required rather than not an expression.
      reader.put("url", LITERAL_URL.matcher(url).matches() ? "\"" + url + "\"" : url);
    }
    List<Map<String, Object>> headers = pairs(typed.getOrDefault(HEADERS, ""));
    if (!headers.isEmpty()) {
      reader.put("headers", headers);
    }
    String type = typed.getOrDefault(CONTENT_TYPE, "").strip();
    String body = typed.getOrDefault(BODY, "");
    if (!type.isEmpty()) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("contentType", type);
      if (type.equals(URLENCODED)) {
        b.put("urlencoded", pairs(body));
      } else if (type.equals(MULTIPART)) {
        b.put("formData", pairs(body));
      } else {
        b.put("raw", body.strip());
        if ("base64".equals(typed.get(BODY_ENCODING))) {
          b.put("encoding", "base64");
        }
      }
      reader.put("body", b);
    }
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("reader", reader);
    for (ConfigField f : SETTINGS) {
      String v = typed.getOrDefault(f.name(), "").strip();
      if (f.is(Kind.CHECKBOX.name())) {
        if (v.equals("on") || v.equals("true")) {
          config.put(f.name(), true);
        }
      } else if (!v.isEmpty()) {
        config.put(f.name(), v);
      }
    }
    return config;
  }

  /** {@code Name: value} lines as {@code {key, value}} items; a line without ':' is all key. */
  private static List<Map<String, Object>> pairs(String text) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String line : text.split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      int colon = line.indexOf(':');
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("key", (colon < 0 ? line : line.substring(0, colon)).strip());
      item.put("value", colon < 0 ? "" : line.substring(colon + 1).strip());
      out.add(item);
    }
    return out;
  }

  /** The form's values for a stored configuration. */
  static Map<String, String> values(Object config) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!(config instanceof Map<?, ?> c)) {
      return out;
    }
    if (c.get("reader") instanceof Map<?, ?> r) {
      out.put(METHOD, String.valueOf(r.get("method") == null ? "GET" : r.get("method")));
      String url = r.get("url") == null ? "" : String.valueOf(r.get("url"));
      Matcher quoted = QUOTED_URL.matcher(url);
      out.put(URL, quoted.matches() ? quoted.group(1) : url);
      out.put(HEADERS, lines(r.get("headers")));
      if (r.get("body") instanceof Map<?, ?> b) {
        out.put(
            CONTENT_TYPE, b.get("contentType") == null ? "" : String.valueOf(b.get("contentType")));
        if (b.get("raw") != null) {
          out.put(BODY, String.valueOf(b.get("raw")));
        } else if (b.get("urlencoded") != null) {
          out.put(BODY, lines(b.get("urlencoded")));
        } else if (b.get("formData") != null) {
          out.put(BODY, lines(b.get("formData")));
        }
        if ("base64".equals(b.get("encoding"))) {
          out.put(BODY_ENCODING, "base64");
        }
      }
    }
    for (ConfigField f : SETTINGS) {
      Object v = c.get(f.name());
      if (v == null) {
        continue;
      }
      if (f.is(Kind.CHECKBOX.name())) {
        if (Boolean.TRUE.equals(v) || "true".equals(v)) {
          out.put(f.name(), "on");
        }
      } else {
        out.put(f.name(), String.valueOf(v));
      }
    }
    return out;
  }

  private static String lines(Object items) {
    if (!(items instanceof List<?> list)) {
      return "";
    }
    List<String> out = new ArrayList<>();
    for (Object item : list) {
      if (item instanceof Map<?, ?> m) {
        out.add(m.get("key") + ": " + (m.get("value") == null ? "" : m.get("value")));
      }
    }
    return String.join("\n", out);
  }

  /**
   * The field a problem at {@code path} (relative to the configuration, as {@code reader/url} or
   * {@code reader/headers/2/value}) belongs to, with what to say before its detail: a line's number
   * for a header or a form field.
   */
  static Optional<Placed> fieldOf(String path) {
    Matcher item = ITEM.matcher(path);
    if (item.matches()) {
      String field = item.group(1).startsWith("reader/headers") ? HEADERS : BODY;
      return Optional.of(new Placed(field, "line " + (Integer.parseInt(item.group(2)) + 1) + ": "));
    }
    if (path.startsWith("reader/body/raw")
        || path.startsWith("reader/body/urlencoded")
        || path.startsWith("reader/body/formData")) {
      return Optional.of(new Placed(BODY, ""));
    }
    String best = null;
    for (String name : NAMES) {
      if ((path.equals(name) || path.startsWith(name + "/"))
          && (best == null || name.length() > best.length())) {
        best = name;
      }
    }
    if (best == null && path.startsWith("reader/body")) {
      best = CONTENT_TYPE;
    }
    if (best == null && (path.equals("reader") || path.isEmpty())) {
      best = URL;
    }
    return Optional.ofNullable(best).map(b -> new Placed(b, ""));
  }

  /**
   * A problem's detail in the form's words: one that starts with the member's name ({@code
   * maxRetries must be …}) starts with its label instead, as the component says it ({@code "Maximum
   * Retries" must be …}).
   */
  static String worded(String field, String detail) {
    String member = field.substring(field.lastIndexOf('/') + 1);
    String named =
        detail.startsWith(member + " ")
            ? member
            : detail.startsWith("\"" + member + "\" ") ? "\"" + member + "\"" : null;
    if (named == null) {
      return detail;
    }
    for (List<ConfigField> fields : List.of(REQUEST, SETTINGS)) {
      for (ConfigField f : fields) {
        if (f.name().equals(field)) {
          return "\"" + f.label() + "\"" + detail.substring(named.length());
        }
      }
    }
    return detail;
  }

  /** Where a problem goes: its field, and words before its detail. */
  record Placed(String field, String prefix) {}
}
