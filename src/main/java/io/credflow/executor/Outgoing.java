package io.credflow.executor;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.credflow.common.ValidationException;
import io.credflow.credential.Authorization;
import io.credflow.executor.RequestSpec.BodyTemplate;
import io.credflow.executor.RequestSpec.Field;
import io.credflow.executor.RequestSpec.HeaderTemplate;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A request ready to send: every expression evaluated over the message, the credential's
 * authorization applied. Immutable and held in memory, so every attempt and every redirect hop
 * sends exactly the same bytes (no one-shot stream is ever replayed half-read).
 */
record Outgoing(
    String method,
    URI uri,
    List<Map.Entry<String, String>> headers,
    Payload payload,
    Authorization authorization,
    boolean credentialApplied) {

  // Shared buffers: see ResponseDecoder.
  private static final ObjectMapper JSON =
      JsonMapper.builder(
              JsonFactory.builder()
                  .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                  .build())
          .build();

  /** What a request carries, as bytes. */
  sealed interface Payload {
    record None() implements Payload {}

    record Bytes(String contentType, byte[] bytes) implements Payload {}

    record Multipart(List<Part> parts) implements Payload {}

    record Part(String name, Optional<String> filename, String contentType, byte[] bytes) {}
  }

  /**
   * Evaluates {@code spec} over {@code message} and applies {@code authorization}; under {@code
   * uploadFile} the bytes of files come from {@code files}.
   */
  static Outgoing prepare(
      RequestSpec spec, Message message, Authorization authorization, Uploads.Source files) {
    String base = spec.pointer() + "/reader";
    Object input = message.input();
    Object passthrough = message.passthrough();
    URI uri = url(spec.url().evaluate(input, passthrough, base + "/url"), base + "/url", "url");

    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (int i = 0; i < spec.headers().size(); i++) {
      HeaderTemplate h = spec.headers().get(i);
      Object value = h.value().evaluate(input, passthrough, base + "/headers/" + i + "/value");
      if (value != null) {
        headers.add(Map.entry(h.name(), text(value)));
      }
    }

    Payload payload = new Payload.None();
    String bodyBase = base + "/body";
    switch (spec.body()) {
      case BodyTemplate.None none -> {}
      case BodyTemplate.Raw raw -> {
        Object value = raw.raw().evaluate(input, passthrough, bodyBase + "/raw");
        if (raw.uploadsFile(spec.uploadFile())) {
          payload =
              new Payload.Bytes(raw.contentType(), files.fetch(value, bodyBase + "/raw").bytes());
        } else if (value != null) {
          payload = new Payload.Bytes(raw.contentType(), bytes(value, raw.base64(), bodyBase));
        }
      }
      case BodyTemplate.Urlencoded form -> {
        String encoded = urlencoded(form.fields(), input, passthrough, bodyBase + "/urlencoded");
        if (spec.method() == RequestSpec.Method.GET) {
          uri = withQuery(uri, encoded);
        } else {
          payload =
              new Payload.Bytes(
                  "application/x-www-form-urlencoded", encoded.getBytes(StandardCharsets.UTF_8));
        }
      }
      case BodyTemplate.FormData form -> {
        List<Payload.Part> parts = new ArrayList<>();
        for (int i = 0; i < form.fields().size(); i++) {
          Field f = form.fields().get(i);
          String pointer = bodyBase + "/formData/" + i + "/value";
          Object value = f.value().evaluate(input, passthrough, pointer);
          if (value == null) {
            continue;
          }
          if (spec.uploadFile() && value instanceof Map<?, ?> file && file.containsKey("url")) {
            parts.add(filePart(f, file, files, pointer));
            continue;
          }
          byte[] bytes = bytes(value, f.base64(), pointer);
          String type =
              f.contentType()
                  .orElse(
                      f.base64() || f.filename().isPresent()
                          ? "application/octet-stream"
                          : "text/plain; charset=utf-8");
          parts.add(new Payload.Part(f.key(), f.filename(), type, bytes));
        }
        payload = new Payload.Multipart(parts);
      }
    }
    return new Outgoing(
            spec.method().name(), uri, List.copyOf(headers), payload, authorization, false)
        .authorized(authorization);
  }

  /**
   * A form value {@code {url, filename, knownLength}} under {@code uploadFile}: the bytes at {@code
   * url}, named by its {@code filename} or the field's, typed by the field's {@code contentType} or
   * what the file's source said.
   */
  private static Payload.Part filePart(
      Field f, Map<?, ?> file, Uploads.Source files, String pointer) {
    Object filename = file.get("filename");
    if (filename != null && !(filename instanceof String)) {
      throw new ValidationException(
          pointer, "invalid_type", "a file's filename must be a string, was " + text(filename));
    }
    Object known = file.get("knownLength");
    if (known != null
        && !(known instanceof Number n
            && n.doubleValue() >= 0
            && n.doubleValue() == Math.rint(n.doubleValue()))) {
      throw new ValidationException(
          pointer,
          "invalid_type",
          "a file's knownLength must be a whole number of bytes, was " + text(known));
    }
    Uploads.File fetched = files.fetch(file.get("url"), pointer);
    if (known != null && ((Number) known).longValue() != fetched.bytes().length) {
      throw new ValidationException(
          pointer,
          "length_mismatch",
          "the file has "
              + fetched.bytes().length
              + " bytes, but its knownLength says "
              + text(known)
              + "; nothing was sent");
    }
    Optional<String> name =
        Optional.ofNullable((String) filename).filter(n -> !n.isBlank()).or(f::filename);
    String type =
        f.contentType()
            .or(fetched::contentType)
            .filter(t -> !t.isBlank())
            .orElse("application/octet-stream");
    return new Payload.Part(f.key(), name.or(() -> Optional.of("file")), type, fetched.bytes());
  }

  /**
   * This request with {@code authorization} applied: a header the user set explicitly (same name,
   * any case) wins over the credential's, so there is never a second Authorization header; a query
   * parameter already in the URL wins too.
   */
  private Outgoing authorized(Authorization authorization) {
    List<Map.Entry<String, String>> out = new ArrayList<>(headers);
    URI target = uri;
    boolean applied = false;
    switch (authorization) {
      case Authorization.None none -> {}
      case Authorization.Header h -> {
        if (!has(out, h.name())) {
          out.add(Map.entry(h.name(), h.value().reveal()));
          applied = true;
        }
      }
      case Authorization.QueryParameter q -> {
        if (!queryHas(uri, q.name())) {
          target = withQuery(uri, encode(q.name()) + "=" + encode(q.value().reveal()));
          applied = true;
        }
      }
    }
    return new Outgoing(method, target, List.copyOf(out), payload, authorization, applied);
  }

  /** The same request with a new authorization (after a refresh), replacing the old one. */
  Outgoing reauthorized(Authorization next) {
    List<Map.Entry<String, String>> userHeaders = new ArrayList<>(headers);
    URI base = uri;
    if (credentialApplied) {
      switch (authorization) {
        case Authorization.Header h ->
            userHeaders.removeIf(e -> e.getKey().equalsIgnoreCase(h.name()));
        case Authorization.QueryParameter q -> base = withoutQuery(uri, q.name());
        case Authorization.None none -> {}
      }
    }
    return new Outgoing(method, base, List.copyOf(userHeaders), payload, next, false)
        .authorized(next);
  }

  /** Whether the credential's authorization is what this request carries (and a 401 is its). */
  boolean carriesCredential() {
    return credentialApplied;
  }

  /**
   * The request a redirect to {@code next} makes: 303 (and 301/302 after a POST) turn into a GET
   * without a body, as browsers do; leaving the origin drops the credential and any Authorization
   * header, so a redirect never hands them to another host.
   */
  Outgoing redirectedTo(URI next, int status) {
    boolean toGet = status == 303 || ((status == 301 || status == 302) && method.equals("POST"));
    String nextMethod = toGet && !method.equals("HEAD") ? "GET" : method;
    Payload nextPayload = toGet ? new Payload.None() : payload;
    List<Map.Entry<String, String>> nextHeaders = new ArrayList<>(headers);
    if (toGet) {
      nextHeaders.removeIf(e -> e.getKey().equalsIgnoreCase("Content-Type"));
    }
    if (!sameOrigin(uri, next)) {
      nextHeaders.removeIf(e -> e.getKey().equalsIgnoreCase("Authorization"));
      if (authorization instanceof Authorization.Header h) {
        nextHeaders.removeIf(e -> e.getKey().equalsIgnoreCase(h.name()));
      }
      return new Outgoing(
          nextMethod, next, List.copyOf(nextHeaders), nextPayload, new Authorization.None(), false);
    }
    Outgoing moved =
        new Outgoing(nextMethod, next, List.copyOf(nextHeaders), nextPayload, authorization, false);
    if (authorization instanceof Authorization.QueryParameter && credentialApplied) {
      return moved.authorized(authorization);
    }
    return new Outgoing(
        nextMethod, next, List.copyOf(nextHeaders), nextPayload, authorization, credentialApplied);
  }

  /** The bytes of the body (for multipart, the parts' values), as {@code maxBodyLength} counts. */
  long bodyLength() {
    return switch (payload) {
      case Payload.None none -> 0;
      case Payload.Bytes b -> b.bytes().length;
      case Payload.Multipart m -> m.parts().stream().mapToLong(p -> p.bytes().length).sum();
    };
  }

  static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI u) {
    return u.getPort() >= 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }

  /** The URL {@code value} names, as the {@code what} ({@code url}, {@code file url}). */
  static URI url(Object value, String pointer, String what) {
    if (!(value instanceof String s) || s.isBlank()) {
      throw new ValidationException(
          pointer,
          "invalid_url",
          "the "
              + what
              + " expression must give a URL string, gave "
              + (value == null ? "nothing" : text(value)));
    }
    try {
      URI uri = new URI(s.strip());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      // A host java.net.URI does not take (0x7f.1, 127.1, a_b.example) still names a destination:
      // the outbound guard reads it and refuses it saying what it is, as for any address.
      boolean hostless =
          uri.getHost() == null
              && (uri.getRawAuthority() == null || uri.getRawAuthority().isEmpty());
      if (!(scheme.equals("http") || scheme.equals("https")) || hostless) {
        throw new ValidationException(
            pointer,
            "invalid_url",
            "the " + what + " must be an absolute http:// or https:// URL with a host, was " + s);
      }
      if (uri.getRawUserInfo() != null) {
        throw new ValidationException(
            pointer,
            "invalid_url",
            "the "
                + what
                + " must not carry a user name or password; use a basic credential instead");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new ValidationException(
          pointer,
          "invalid_url",
          "the "
              + what
              + " is not a valid URL ("
              + e.getReason()
              + "); percent-encode spaces and symbols");
    }
  }

  private static String urlencoded(
      List<Field> fields, Object input, Object passthrough, String base) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      Field f = fields.get(i);
      Object value = f.value().evaluate(input, passthrough, base + "/" + i + "/value");
      if (value == null) {
        continue;
      }
      if (!out.isEmpty()) {
        out.append('&');
      }
      out.append(encode(f.key())).append('=').append(encode(text(value)));
    }
    return out.toString();
  }

  private static byte[] bytes(Object value, boolean base64, String pointer) {
    if (base64) {
      if (!(value instanceof String s)) {
        throw new ValidationException(
            pointer, "invalid_base64", "a base64 body must be a string of base64 text");
      }
      try {
        return Base64.getMimeDecoder().decode(s);
      } catch (IllegalArgumentException e) {
        throw new ValidationException(
            pointer, "invalid_base64", "the value is not valid base64: " + e.getMessage());
      }
    }
    return (value instanceof String s ? s : text(value)).getBytes(StandardCharsets.UTF_8);
  }

  /** A JSONata value as text: strings as they are, whole numbers without ".0", the rest as JSON. */
  static String text(Object value) {
    return switch (value) {
      case String s -> s;
      case Boolean b -> b.toString();
      case Double d when d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15 ->
          Long.toString(d.longValue());
      case Float f when f == Math.rint(f) && Math.abs(f) < 1e7 -> Long.toString(f.longValue());
      case BigDecimal d -> d.toPlainString();
      case Number n -> n.toString();
      default -> {
        try {
          yield JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
          yield String.valueOf(value);
        }
      }
    };
  }

  private static boolean has(List<Map.Entry<String, String>> headers, String name) {
    return headers.stream().anyMatch(e -> e.getKey().equalsIgnoreCase(name));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static URI withQuery(URI uri, String encoded) {
    if (encoded.isEmpty()) {
      return uri;
    }
    String s = uri.toString();
    int hash = s.indexOf('#');
    String fragment = hash >= 0 ? s.substring(hash) : "";
    String head = hash >= 0 ? s.substring(0, hash) : s;
    String joined =
        head + (uri.getRawQuery() == null ? "?" : head.endsWith("&") ? "" : "&") + encoded;
    return URI.create(joined + fragment);
  }

  private static boolean queryHas(URI uri, String name) {
    String q = uri.getRawQuery();
    if (q == null) {
      return false;
    }
    for (String pair : q.split("&")) {
      String key = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
      if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static URI withoutQuery(URI uri, String name) {
    String q = uri.getRawQuery();
    if (q == null) {
      return uri;
    }
    List<String> kept = new ArrayList<>();
    for (String pair : q.split("&")) {
      String key = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
      if (!URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
        kept.add(pair);
      }
    }
    String s = uri.toString();
    int at = s.indexOf('?');
    int hash = s.indexOf('#');
    String fragment = hash >= 0 ? s.substring(hash) : "";
    return URI.create(
        s.substring(0, at) + (kept.isEmpty() ? "" : "?" + String.join("&", kept)) + fragment);
  }

  @Override
  public String toString() {
    // Headers and the URL may carry the credential: never print them.
    return "Outgoing[" + method + " " + uri.getScheme() + "://" + uri.getAuthority() + "]";
  }
}
