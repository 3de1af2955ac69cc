package io.credflow.testing.upstream;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * HTTP/1.1 connections that keep a copy of each request head exactly as it came off the wire.
 *
 * <p>Jetty's parser looks header names up in a static table and reports the ones it knows in
 * canonical case ({@code accept: x} arrives as {@code Accept}), whatever the compliance mode. A
 * test of what an HTTP client sends must see the names as sent, so the parser here tees the bytes
 * it consumes while in the head, and {@link #headers(Request)} reads the header lines back from
 * them. Jetty still does all the HTTP work (framing, chunked bodies, keep-alive); it does not parse
 * a pipelined request's head before the current request completes, so the last head of a connection
 * is the one of the request being handled.
 */
final class RawHeadConnectionFactory extends HttpConnectionFactory {
  RawHeadConnectionFactory(HttpConfiguration config) {
    super(config);
  }

  @Override
  public Connection newConnection(Connector connector, EndPoint endPoint) {
    HttpConnection connection = new RawHeadConnection(getHttpConfiguration(), connector, endPoint);
    connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
    return configure(connection, connector, endPoint);
  }

  /**
   * The header lines of {@code request} in arrival order, names and values as sent (values without
   * surrounding whitespace); empty when the request did not come through this factory.
   */
  static Optional<List<Map.Entry<String, String>>> headers(Request request) {
    if (request.getConnectionMetaData().getConnection() instanceof HttpConnection connection
        && connection.getParser() instanceof TeeParser parser
        && parser.lastHead != null) {
      return Optional.of(headerLines(parser.lastHead));
    }
    return Optional.empty();
  }

  private static List<Map.Entry<String, String>> headerLines(byte[] head) {
    String text = new String(head, StandardCharsets.ISO_8859_1).stripLeading();
    int end = text.indexOf("\r\n\r\n");
    String[] lines = (end < 0 ? text : text.substring(0, end)).split("\r?\n");
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) { // lines[0] is the request line
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.add(
            new AbstractMap.SimpleImmutableEntry<>(
                lines[i].substring(0, colon), lines[i].substring(colon + 1).strip()));
      }
    }
    return headers;
  }

  private static final class RawHeadConnection extends HttpConnection {
    RawHeadConnection(HttpConfiguration config, Connector connector, EndPoint endPoint) {
      super(config, connector, endPoint);
    }

    @Override
    protected HttpParser newHttpParser(HttpCompliance compliance) {
      HttpParser standard = super.newHttpParser(compliance);
      TeeParser tee =
          new TeeParser(
              (HttpParser.RequestHandler) standard.getHandler(),
              getHttpConfiguration().getRequestHeaderSize(),
              compliance);
      tee.setHeaderCacheSize(standard.getHeaderCacheSize());
      tee.setHeaderCacheCaseSensitive(standard.isHeaderCacheCaseSensitive());
      return tee;
    }
  }

  /** A parser that copies the bytes it consumes while parsing a request head. */
  private static final class TeeParser extends HttpParser {
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    private volatile byte[] lastHead;

    TeeParser(RequestHandler handler, int maxHeaderBytes, HttpCompliance compliance) {
      super(handler, maxHeaderBytes, compliance);
    }

    @Override
    public boolean parseNext(ByteBuffer buffer) {
      boolean inHead = inHeaderState();
      int start = buffer.position();
      boolean result = super.parseNext(buffer);
      if (inHead) {
        // May include body bytes after the head; headerLines stops at the blank line.
        ByteBuffer consumed = buffer.duplicate().position(start).limit(buffer.position());
        byte[] bytes = new byte[consumed.remaining()];
        consumed.get(bytes);
        head.writeBytes(bytes);
        if (!inHeaderState()) {
          lastHead = head.toByteArray();
          head.reset();
        }
      }
      return result;
    }
  }
}
