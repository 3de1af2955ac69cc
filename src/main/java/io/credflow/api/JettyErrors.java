package io.credflow.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.ByteBuffer;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Requests that Jetty refuses before a route sees them (a path with invalid percent-encoding, a URI
 * or headers over the limits, a request line that is not HTTP) get a JSON:API error document like
 * every other error, instead of Jetty's HTML page.
 */
final class JettyErrors extends ErrorHandler {
  /** Jetty's own reasons ("Bad UTF-8 encoding") are shown; anything else is not echoed. */
  private static final Pattern PLAIN_REASON = Pattern.compile("[A-Za-z0-9 ,.:'()-]{1,100}");

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JsonApi.MEDIA_TYPE);
    SecurityHeaders.apply(response.getHeaders()::put);
    // A request line Jetty cannot parse (too long, not HTTP) is answered as HTTP/1.0, where closing
    // goes without saying, under an HTTP/1.1 status line: without the header a client keeps the
    // connection Jetty is about to close and loses its next request on it.
    if (!request.getConnectionMetaData().isPersistent()) {
      response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
    }
    response.write(true, ByteBuffer.wrap(document(code, message)), callback);
  }

  private static byte[] document(int status, String reason) {
    String title = ApiServer.title(status);
    if (title.equals("Error")) {
      title = HttpStatus.getMessage(status);
    }
    String detail =
        reason != null && PLAIN_REASON.matcher(reason).matches() && !reason.contains("Exception")
            ? "the HTTP request was refused: " + reason
            : "the HTTP request was refused (" + title + ")";
    ArrayNode errors = JsonApi.array();
    errors.add(JsonApi.error(status, "http_" + status, title, detail));
    try {
      return JsonApi.MAPPER.writeValueAsBytes(JsonApi.errors(errors));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize an error document", e);
    }
  }
}
