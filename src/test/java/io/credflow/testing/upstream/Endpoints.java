package io.credflow.testing.upstream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * The endpoints of {@link Upstream}, for any method. Each request is recorded first, then answered;
 * a malformed knob (a status that is not a number, an unknown charset) is a 400 that says which
 * query parameter to fix, so a broken test fails loudly rather than with a confusing 500.
 */
final class Endpoints extends Handler.Abstract {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
  private static final int MAX_BYTES = 64 * 1024 * 1024;
  private static final int MAX_SLOW_MS = 60_000;
  private static final String DEFAULT_TEXT = "héllo wörld €";
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern BEARER = Pattern.compile("(?i)bearer +(\\S+) *");

  /** IMF-fixdate (RFC 9110 §5.6.7): a two-digit day, unlike RFC_1123_DATE_TIME's "5 Dec". */
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private final Upstream upstream;

  Endpoints(Upstream upstream) {
    this.upstream = upstream;
  }

  /** A knob in the query that cannot be honoured. */
  private static final class BadRequest extends RuntimeException {
    BadRequest(String message) {
      super(message);
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    Received received = ReceivedReader.read(request, upstream.now());
    upstream.record(received);
    Reply reply;
    try {
      reply = route(received);
    } catch (BadRequest e) {
      reply = error(400, e.getMessage());
    }
    if (reply.delayMillis() > 0) {
      Reply delayed = reply;
      request
          .getComponents()
          .getScheduler()
          .schedule(
              () -> delayed.send(response, callback), reply.delayMillis(), TimeUnit.MILLISECONDS);
    } else {
      reply.send(response, callback);
    }
    return true;
  }

  private Reply route(Received r) {
    String path = r.path();
    if (under(path, "/echo")) {
      return Reply.json(intParam(r, "status", 200, 200, 599), echo(r));
    }
    if (path.startsWith("/status/")) {
      return status(r, path.substring("/status/".length()));
    }
    if (path.startsWith("/flaky/")) {
      return flaky(r, path.substring("/flaky/".length()));
    }
    if (path.startsWith("/redirect/")) {
      return redirect(r, path.substring("/redirect/".length()));
    }
    if (under(path, "/protected")) {
      return bearer(r);
    }
    return switch (path) {
      case "/redirect-to" -> redirectTo(r);
      case "/slow" -> slow(r);
      case "/text" -> text(r);
      case "/bytes" -> bytes(r);
      case "/xml" -> document(r, Upstream.XML_DOCUMENT, "application/xml");
      case "/json" -> document(r, Upstream.JSON_DOCUMENT, "application/json");
      case "/nocontent" -> Reply.noContent(204);
      case "/gzip" -> gzip(r);
      case "/headers" -> headers(r);
      default -> error(404, "no endpoint at " + path + "; the endpoints are listed on Upstream");
    };
  }

  private static boolean under(String path, String prefix) {
    return path.equals(prefix) || path.startsWith(prefix + "/");
  }

  /** What arrived, as JSON; the same document is the answer of {@code /redirect/0}. */
  static ObjectNode echo(Received r) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("method", r.method());
    doc.put("path", r.path());
    doc.put("rawQuery", r.rawQuery());
    doc.set("query", JSON.valueToTree(r.query()));
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (Map.Entry<String, String> h : r.headers()) {
      headers
          .computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), n -> new ArrayList<>())
          .add(h.getValue());
    }
    doc.set("headers", JSON.valueToTree(headers));
    doc.put("body", r.bodyText());
    doc.put("bodyBase64", Base64.getEncoder().encodeToString(r.body()));
    doc.put("contentType", r.contentType());
    ArrayNode parts = doc.putArray("parts");
    for (Received.Part part : r.parts()) {
      ObjectNode p = parts.addObject();
      p.put("name", part.name());
      p.put("filename", part.filename());
      p.put("contentType", part.contentType());
      p.put("size", part.content().length);
      if (isUtf8(part.content())) {
        p.put("text", part.text());
      } else {
        p.put("base64", Base64.getEncoder().encodeToString(part.content()));
      }
    }
    doc.set("form", JSON.valueToTree(r.form()));
    return doc;
  }

  private static boolean isUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private Reply status(Received r, String codeText) {
    int code = integer(codeText, "the status in /status/{code}", 200, 599);
    Reply reply;
    if (code == 204 || code == 304) {
      reply = Reply.noContent(code);
    } else {
      String body =
          r.queryParam("body")
              .orElse(JSON.createObjectNode().put("error", "status " + code).toString());
      reply =
          Reply.bytes(
              code,
              r.queryParam("type").orElse("application/json"),
              body.getBytes(StandardCharsets.UTF_8));
    }
    return withRetryAfter(r, reply);
  }

  private Reply withRetryAfter(Received r, Reply reply) {
    if (r.queryParam("retryAfterDate").isPresent()) {
      int seconds = intParam(r, "retryAfterDate", 0, 0, 1_000_000);
      return reply.header("Retry-After", HTTP_DATE.format(upstream.now().plusSeconds(seconds)));
    }
    return r.queryParam("retryAfter").map(v -> reply.header("Retry-After", v)).orElse(reply);
  }

  private Reply flaky(Received r, String key) {
    if (key.isEmpty()) {
      throw new BadRequest("name the counter: /flaky/{key}");
    }
    int fail = intParam(r, "fail", 1, 0, 1000);
    int code = intParam(r, "code", 503, 400, 599);
    int attempt = upstream.attempt(key, r.arrived());
    if (attempt <= fail) {
      ObjectNode doc = JSON.createObjectNode().put("error", "flaky").put("attempt", attempt);
      return withRetryAfter(r, Reply.json(code, doc));
    }
    return Reply.json(200, JSON.createObjectNode().put("ok", true).put("attempt", attempt));
  }

  private Reply redirect(Received r, String nText) {
    int n = integer(nText, "the hop count in /redirect/{n}", 0, 100);
    if (n == 0) {
      return Reply.json(200, echo(r));
    }
    int status = redirectStatus(r);
    String base =
        r.queryParam("absolute").filter("true"::equals).isPresent() ? upstream.url("") : "";
    String location =
        base + "/redirect/" + (n - 1) + (r.rawQuery() == null ? "" : "?" + r.rawQuery());
    return Reply.empty(status).header("Location", location);
  }

  private static Reply redirectTo(Received r) {
    String url =
        r.queryParam("url").orElseThrow(() -> new BadRequest("give the target as url=ENCODED"));
    return Reply.empty(redirectStatus(r)).header("Location", url);
  }

  private static int redirectStatus(Received r) {
    int status = intParam(r, "status", 302, 300, 399);
    if (!REDIRECTS.contains(status)) {
      throw new BadRequest("status must be one of " + REDIRECTS + ", got " + status);
    }
    return status;
  }

  private static Reply slow(Received r) {
    int ms = intParam(r, "ms", 1000, 0, MAX_SLOW_MS);
    return Reply.json(200, JSON.createObjectNode().put("sleptMs", ms)).after(ms);
  }

  private static Reply text(Received r) {
    String name = r.queryParam("charset").orElse("utf-8");
    Charset charset;
    try {
      charset = Charset.forName(name);
    } catch (IllegalArgumentException e) {
      throw new BadRequest("charset " + name + " is not supported by this JVM");
    }
    String text = r.queryParam("text").orElse(DEFAULT_TEXT);
    CharsetEncoder encoder =
        charset
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    byte[] bytes;
    try {
      bytes = BufferUtil.toArray(encoder.encode(CharBuffer.wrap(text)));
    } catch (CharacterCodingException e) {
      throw new BadRequest("the text cannot be encoded in " + name + "; pick another text");
    }
    String type = r.queryParam("type").orElse("text/plain");
    boolean noCharset = r.queryParam("noCharset").filter("true"::equals).isPresent();
    return Reply.bytes(200, noCharset ? type : type + "; charset=" + name, bytes);
  }

  private static Reply bytes(Received r) {
    int size = intParam(r, "size", 1024, 0, MAX_BYTES);
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i % 251);
    }
    Reply reply = Reply.bytes(200, r.queryParam("type").orElse("application/octet-stream"), bytes);
    return r.queryParam("chunked").filter("true"::equals).isPresent() ? reply.inChunks() : reply;
  }

  private static Reply gzip(Received r) {
    int size = intParam(r, "size", 100, 2, MAX_BYTES);
    byte[] text = ("\"" + "a".repeat(size - 2) + "\"").getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream zip = new java.util.zip.GZIPOutputStream(out)) {
      zip.write(text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return Reply.bytes(200, "application/json", out.toByteArray())
        .header("Content-Encoding", "gzip");
  }

  private static Reply document(Received r, String document, String defaultType) {
    return Reply.bytes(
        200,
        r.queryParam("type").orElse(defaultType + "; charset=utf-8"),
        document.getBytes(StandardCharsets.UTF_8));
  }

  private static Reply headers(Received r) {
    Reply reply =
        Reply.untyped(200, JSON.valueToTree(r.query()).toString().getBytes(StandardCharsets.UTF_8));
    boolean typed = false;
    for (Map.Entry<String, List<String>> h : r.query().entrySet()) {
      String name = h.getKey();
      if (!TOKEN.matcher(name).matches()
          || name.equalsIgnoreCase("Content-Length")
          || name.equalsIgnoreCase("Transfer-Encoding")) {
        throw new BadRequest("cannot send a response header named '" + name + "'");
      }
      typed |= name.equalsIgnoreCase("Content-Type");
      for (String value : h.getValue()) {
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
          throw new BadRequest("the value of " + name + " contains a line break");
        }
        reply = reply.header(name, value);
      }
    }
    return typed ? reply : reply.header("Content-Type", "application/json");
  }

  private Reply bearer(Received r) {
    List<String> authorization = r.header("Authorization");
    if (authorization.size() == 1) {
      Matcher m = BEARER.matcher(authorization.getFirst());
      if (m.matches() && upstream.acceptsBearer(m.group(1))) {
        return Reply.json(200, echo(r));
      }
    }
    int status = intParam(r, "status", 401, 200, 599);
    String body =
        r.queryParam("body")
            .orElse(JSON.createObjectNode().put("error", "invalid_token").toString());
    Reply reply = Reply.bytes(status, "application/json", body.getBytes(StandardCharsets.UTF_8));
    return switch (r.queryParam("challenge").orElse("bearer")) {
      case "bearer" -> reply.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      case "basic" -> reply.header("WWW-Authenticate", "Basic realm=\"upstream\"");
      case "none" -> reply;
      default -> throw new BadRequest("challenge must be bearer, basic or none");
    };
  }

  private static Reply error(int status, String message) {
    return Reply.json(status, JSON.createObjectNode().put("error", message));
  }

  private static int intParam(Received r, String name, int fallback, int min, int max) {
    return r.queryParam(name).map(v -> integer(v, name, min, max)).orElse(fallback);
  }

  private static int integer(String text, String what, int min, int max) {
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new BadRequest(what + " must be an integer, got '" + text + "'");
    }
    if (value < min || value > max) {
      throw new BadRequest(what + " must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }
}
