package io.credflow.testing.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * What an endpoint answers, decided before anything is written, so that {@code /slow} can send it
 * later and every answer is framed the same way: with a {@code Content-Length}, or chunked.
 *
 * @param headers added in order, repeated names kept
 * @param body null for a response that must not have one (204, 304)
 * @param chunked send the body in chunks without a {@code Content-Length}
 * @param delayMillis how long to wait before sending
 */
record Reply(
    int status,
    List<Map.Entry<String, String>> headers,
    byte[] body,
    boolean chunked,
    long delayMillis) {
  private static final int CHUNK = 4096;

  static Reply json(int status, JsonNode json) {
    return bytes(status, "application/json", json.toString().getBytes(StandardCharsets.UTF_8));
  }

  static Reply bytes(int status, String contentType, byte[] body) {
    return untyped(status, body).header("Content-Type", contentType);
  }

  /** A body without a {@code Content-Type}; the caller adds one as a header, or not. */
  static Reply untyped(int status, byte[] body) {
    return new Reply(status, List.of(), body, false, 0);
  }

  /** An empty body with {@code Content-Length: 0} (redirects). */
  static Reply empty(int status) {
    return untyped(status, new byte[0]);
  }

  /** No body and no length at all, as a 204 or 304 must be. */
  static Reply noContent(int status) {
    return new Reply(status, List.of(), null, false, 0);
  }

  Reply header(String name, String value) {
    List<Map.Entry<String, String>> more = new ArrayList<>(headers);
    more.add(new AbstractMap.SimpleImmutableEntry<>(name, value));
    return new Reply(status, List.copyOf(more), body, chunked, delayMillis);
  }

  Reply inChunks() {
    return new Reply(status, headers, body, true, delayMillis);
  }

  Reply after(long millis) {
    return new Reply(status, headers, body, chunked, millis);
  }

  void send(Response response, Callback callback) {
    response.setStatus(status);
    headers.forEach(h -> response.getHeaders().add(h.getKey(), h.getValue()));
    if (body == null) {
      response.write(true, BufferUtil.EMPTY_BUFFER, callback);
    } else if (!chunked) {
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
      response.write(true, ByteBuffer.wrap(body), callback);
    } else {
      sendChunked(response, callback);
    }
  }

  /**
   * Every piece goes out as a non-last write, so the response is committed without a length and
   * framed as chunks; an empty last write ends it.
   */
  private void sendChunked(Response response, Callback callback) {
    new IteratingCallback() {
      private int offset;
      private boolean ended;

      @Override
      protected Action process() {
        if (ended) {
          return Action.SUCCEEDED;
        }
        if (offset < body.length) {
          int length = Math.min(CHUNK, body.length - offset);
          response.write(false, ByteBuffer.wrap(body, offset, length), this);
          offset += length;
        } else {
          ended = true;
          response.write(true, BufferUtil.EMPTY_BUFFER, this);
        }
        return Action.SCHEDULED;
      }

      @Override
      protected void onCompleteSuccess() {
        callback.succeeded();
      }

      @Override
      protected void onCompleteFailure(Throwable cause) {
        callback.failed(cause);
      }
    }.iterate();
  }
}
