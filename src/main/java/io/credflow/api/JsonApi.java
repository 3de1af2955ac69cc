package io.credflow.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** JSON:API plumbing in one place: media types, body reading, writing documents and errors. */
public final class JsonApi {
  public static final String MEDIA_TYPE = "application/vnd.api+json";

  /** Bodies above 1 MiB are refused with 413 before they are parsed. */
  public static final int MAX_BODY_BYTES = 1 << 20;

  /** Deeper documents are refused: nothing Credflow takes nests anywhere near this. */
  public static final int MAX_NESTING = 64;

  // Requests run on virtual threads, for which Jackson's default thread-local buffer pool keeps
  // nothing: a shared pool lets them reuse parser and generator buffers.
  static final ObjectMapper MAPPER =
      JsonMapper.builder(
              com.fasterxml.jackson.core.JsonFactory.builder()
                  .recyclerPool(
                      com.fasterxml.jackson.core.util.JsonRecyclerPools.sharedConcurrentDequePool())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  static {
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING)
                .maxStringLength(MAX_BODY_BYTES)
                .maxNumberLength(100)
                .build());
  }

  private JsonApi() {}

  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  public static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  /**
   * Converts a parsed member to plain Java values (maps, lists, strings, numbers, booleans, null),
   * by walking the tree: Jackson's own conversion goes through a token buffer, which costs more
   * than the parse on this path.
   */
  static Object toPlain(JsonNode node) {
    return switch (node.getNodeType()) {
      case OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>(Math.max(4, node.size() * 4 / 3 + 1));
        for (Map.Entry<String, JsonNode> e : node.properties()) {
          map.put(e.getKey(), toPlain(e.getValue()));
        }
        yield map;
      }
      case ARRAY -> {
        List<Object> list = new ArrayList<>(node.size());
        for (JsonNode item : node) {
          list.add(toPlain(item));
        }
        yield list;
      }
      case STRING -> node.textValue();
      case BOOLEAN -> node.booleanValue();
      case NUMBER -> node.numberValue();
      case NULL, MISSING -> null;
      case BINARY, POJO -> MAPPER.convertValue(node, Object.class);
    };
  }

  /** The JSON tree of plain Java values (as {@link #toPlain} makes them, or a result's). */
  static JsonNode fromPlain(Object value) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (value) {
      case null -> f.nullNode();
      case String s -> f.textNode(s);
      case Boolean b -> f.booleanNode(b);
      case Integer i -> f.numberNode(i);
      case Long l -> f.numberNode(l);
      case Double d -> f.numberNode(d);
      case java.math.BigDecimal d -> f.numberNode(d);
      case java.math.BigInteger i -> f.numberNode(i);
      case Map<?, ?> map -> {
        ObjectNode o = f.objectNode();
        map.forEach((k, v) -> o.set(String.valueOf(k), fromPlain(v)));
        yield o;
      }
      case List<?> list -> {
        ArrayNode a = f.arrayNode(list.size());
        list.forEach(v -> a.add(fromPlain(v)));
        yield a;
      }
      default -> MAPPER.valueToTree(value);
    };
  }

  /**
   * Reads the request body as JSON after checking its media type and size; every failure is a 4xx
   * {@link ApiException} that says what to fix.
   */
  static JsonNode readBody(Context ctx) {
    String contentType = ctx.header("Content-Type");
    if (contentType == null || !isJsonMediaType(contentType)) {
      throw ApiException.of(
          415,
          "unsupported_media_type",
          "send the body as "
              + MEDIA_TYPE
              + " (or application/json), was "
              + (contentType == null ? "no Content-Type" : "\"" + contentType + "\""));
    }
    long declared = ctx.contentLength();
    if (declared > MAX_BODY_BYTES) {
      throw tooLarge();
    }
    byte[] body = readLimited(ctx);
    if (body.length == 0) {
      throw ApiException.of(400, "empty_body", "the request needs a JSON:API document body");
    }
    String text = strictUtf8(body);
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw ApiException.of(400, "empty_body", "the request needs a JSON:API document body");
      }
      requireStorableText(node, "");
      return node;
    } catch (JsonProcessingException e) {
      throw ApiException.of(400, "malformed_json", "the body is not valid JSON: " + describe(e));
    }
  }

  /**
   * The body as text, refusing anything that is not well-formed UTF-8 (RFC 3629): overlong forms (a
   * {@code /} sent as {@code C0 AF}), encoded surrogates, truncated sequences and stray bytes.
   * Jackson's own decoder reads some of these leniently, which would let a value pass a check in
   * one form and be stored in another. A leading byte order mark is dropped, as Jackson would.
   */
  private static String strictUtf8(byte[] body) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(body);
    // UTF-8 never decodes to more UTF-16 units than it has bytes.
    CharBuffer out = CharBuffer.allocate(body.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      throw ApiException.of(
          400,
          "malformed_utf8",
          "the body is not well-formed UTF-8 (byte "
              + in.position()
              + " starts an invalid, overlong or truncated sequence): send it encoded as UTF-8");
    }
    out.flip();
    if (out.length() > 0 && out.charAt(0) == '\uFEFF') {
      out.position(1);
    }
    return out.toString();
  }

  /**
   * Refuses strings (values and member names) holding U+0000 or an unpaired surrogate: valid JSON
   * escapes, but not text either database can store (PostgreSQL fails on U+0000 and turns a lone
   * surrogate into "?").
   */
  private static void requireStorableText(JsonNode node, String pointer) {
    if (node.isTextual()) {
      requireStorable(node.textValue(), pointer);
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        requireStorableText(node.get(i), pointer + "/" + i);
      }
    } else if (node.isObject()) {
      for (var field : node.properties()) {
        String member = pointer + "/" + Document.escape(field.getKey());
        requireStorable(field.getKey(), member);
        requireStorableText(field.getValue(), member);
      }
    }
  }

  private static void requireStorable(String s, String pointer) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean paired =
          Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1));
      if (paired) {
        i++;
      } else if (c == 0 || Character.isSurrogate(c)) {
        throw ApiException.atPointer(
            422,
            "invalid_character",
            "strings cannot hold U+0000 or an unpaired UTF-16 surrogate (\\u"
                + String.format("%04x", (int) c)
                + "): remove it",
            pointer);
      }
    }
  }

  /** The request body, refused with {@code 413} past {@link #MAX_BODY_BYTES}. */
  static byte[] readLimited(Context ctx) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > MAX_BODY_BYTES) {
      discard(ctx, declared);
      throw tooLarge();
    }
    try (InputStream in = ctx.req().getInputStream()) {
      if (declared >= 0) {
        // The length is known: read into an array of that size, not in growing chunks.
        byte[] bytes = new byte[(int) declared];
        int read = in.readNBytes(bytes, 0, bytes.length);
        if (read < bytes.length) {
          throw ApiException.of(
              400, "unreadable_body", "the request body ended before its Content-Length");
        }
        return bytes;
      }
      byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
      if (bytes.length > MAX_BODY_BYTES) {
        discard(ctx, DISCARDED_BYTES);
        throw tooLarge();
      }
      return bytes;
    } catch (IOException e) {
      throw ApiException.of(400, "unreadable_body", "the request body could not be read");
    }
  }

  /** Past the limit, how much of a body is still read (and dropped) so its client reads the 413. */
  static final long DISCARDED_BYTES = 8L << 20;

  /**
   * Reads and drops what is left of a body refused as too large, up to {@code declared} bytes and
   * at most {@link #DISCARDED_BYTES}: a client that is still sending when the answer is written
   * would otherwise meet a closed connection and never read the {@code 413} (it sees a reset, or no
   * answer at all). A longer body is cut off, as before.
   */
  private static void discard(Context ctx, long declared) {
    if (declared > DISCARDED_BYTES) {
      return;
    }
    try {
      ctx.req().getInputStream().skipNBytes(declared);
    } catch (IOException | RuntimeException e) {
      // The client stopped sending, or sent less than it said: the 413 is written all the same.
    }
  }

  private static ApiException tooLarge() {
    return ApiException.of(
        413, "body_too_large", "the body is larger than 1 MiB (" + MAX_BODY_BYTES + " bytes)");
  }

  /** Jackson's message without the echo of the source text (which could hold a secret). */
  private static String describe(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message == null) {
      return "unreadable";
    }
    message = message.replaceAll("\\(for Object starting at.*", "");
    if (message.length() > 200) {
      message = message.substring(0, 200);
    }
    var location = e.getLocation();
    String where =
        location == null
            ? ""
            : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    return message.replaceAll("'[^']{20,}'", "'…'") + where;
  }

  static boolean isJsonMediaType(String contentType) {
    String base = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return base.equals(MEDIA_TYPE) || base.equals("application/json");
  }

  /** Whether the Accept header allows a JSON answer (absent means anything). */
  static boolean acceptsJson(String accept) {
    if (accept == null || accept.isBlank()) {
      return true;
    }
    for (String part : accept.split(",")) {
      String base = part.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      if (base.equals(MEDIA_TYPE)
          || base.equals("application/json")
          || base.equals("application/*")
          || base.equals("*/*")) {
        return true;
      }
    }
    return false;
  }

  /** Writes a document with its status. */
  static void write(Context ctx, int status, JsonNode document) {
    try {
      byte[] bytes = MAPPER.writeValueAsBytes(document);
      // Written straight to the response: a result Javalin copies through an 8 KiB buffer per
      // answer. Its compression still applies (the output stream is Javalin's).
      ctx.status(status).contentType(MEDIA_TYPE);
      ctx.outputStream().write(bytes);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a response document", e);
    } catch (IOException e) {
      // The client went away while the answer was written: nothing is left to tell it.
      throw new java.io.UncheckedIOException(e);
    }
  }

  static ObjectNode error(int status, String code, String title, String detail) {
    ObjectNode error = object();
    error.put("status", Integer.toString(status));
    error.put("code", code);
    error.put("title", title);
    error.put("detail", detail);
    return error;
  }

  static ObjectNode errors(ArrayNode errors) {
    ObjectNode doc = object();
    doc.set("errors", errors);
    return doc;
  }
}
