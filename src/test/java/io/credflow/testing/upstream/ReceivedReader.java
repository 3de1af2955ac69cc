package io.credflow.testing.upstream;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Promise;

/**
 * Turns a Jetty request into a {@link Received}: reads the whole body, then parses it back as
 * multipart (with Jetty's own parser, fed the recorded bytes) or as a urlencoded form.
 */
final class ReceivedReader {
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final String MULTIPART = "multipart/form-data";

  private ReceivedReader() {}

  /** Reads the request; blocks until its body has arrived (the caller runs on a virtual thread). */
  static Received read(Request request, long arrivedNanos) throws IOException {
    List<Map.Entry<String, String>> headers =
        RawHeadConnectionFactory.headers(request).orElseGet(() -> parsed(request));
    byte[] body = BufferUtil.toArray(Content.Source.asByteBuffer(request));
    String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    String rawQuery = request.getHttpURI().getQuery();
    return new Received(
        request.getMethod(),
        request.getHttpURI().getPath(),
        rawQuery,
        decodeParams(rawQuery, StandardCharsets.UTF_8),
        headers,
        body,
        contentType,
        parts(contentType, body),
        isType(contentType, FORM)
            ? decodeParams(new String(body, charset(contentType)), charset(contentType))
            : Map.of(),
        arrivedNanos);
  }

  /** The headers as Jetty parsed them: names it knows in canonical case. */
  private static List<Map.Entry<String, String>> parsed(Request request) {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (HttpField field : request.getHeaders()) {
      headers.add(new AbstractMap.SimpleImmutableEntry<>(field.getName(), field.getValue()));
    }
    return headers;
  }

  /**
   * Decodes {@code a=1&b=x+y&a=2} into names in order, each with its values in order. A value with
   * a broken percent escape is kept as it was sent rather than failing the request.
   */
  static Map<String, List<String>> decodeParams(String raw, Charset charset) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq), charset);
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1), charset);
      params.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    }
    return params;
  }

  private static String decode(String text, Charset charset) {
    try {
      return URLDecoder.decode(text, charset);
    } catch (IllegalArgumentException e) {
      return text;
    }
  }

  private static boolean isType(String contentType, String type) {
    return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(type);
  }

  private static Charset charset(String contentType) {
    for (String param : contentType.split(";")) {
      String p = param.trim();
      if (p.toLowerCase(Locale.ROOT).startsWith("charset=")) {
        try {
          return Charset.forName(p.substring("charset=".length()).replace("\"", "").trim());
        } catch (IllegalArgumentException e) {
          return StandardCharsets.UTF_8;
        }
      }
    }
    return StandardCharsets.UTF_8;
  }

  private static List<Received.Part> parts(String contentType, byte[] body) throws IOException {
    if (!isType(contentType, MULTIPART)) {
      return List.of();
    }
    String boundary = MultiPart.extractBoundary(contentType);
    if (boundary == null) {
      return List.of();
    }
    MultiPartFormData.Parser parser = new MultiPartFormData.Parser(boundary);
    parser.setMaxMemoryFileSize(Long.MAX_VALUE);
    MultiPartFormData.Parts parsed;
    try {
      // All bytes are already in memory, so the parse completes at once.
      CompletableFuture<MultiPartFormData.Parts> future = new CompletableFuture<>();
      parser.parse(Content.Source.from(ByteBuffer.wrap(body)), Promise.Invocable.toPromise(future));
      parsed = future.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    try (parsed) {
      List<Received.Part> parts = new ArrayList<>();
      for (MultiPart.Part part : parsed) {
        byte[] content =
            BufferUtil.toArray(Content.Source.asByteBuffer(part.createContentSource()));
        parts.add(
            new Received.Part(
                part.getName(),
                part.getFileName(),
                part.getHeaders().get(HttpHeader.CONTENT_TYPE),
                content));
      }
      return parts;
    }
  }
}
