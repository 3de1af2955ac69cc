package io.credflow.oauth;

import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import io.credflow.outbound.OutboundHttp;
import io.credflow.outbound.OutboundRefusedException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;

/**
 * How providers reach token endpoints: every call on the guarded {@link OutboundHttp} client, so a
 * token endpoint on a refused address is never called ({@link TokenOutcome.Blocked}), given up
 * after a timeout, and read up to a size no token response exceeds. Transport failures become
 * {@link TokenOutcome}s; HTTP statuses are data for the provider to read.
 */
public final class TokenHttp {
  /** Token endpoint calls give up after this; refresh leases are longer. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** Larger answers are not token responses; they are dropped unread. */
  private static final int MAX_RESPONSE_BYTES = 64 * 1024;

  private final OutboundHttp http;
  private final Duration timeout;

  private TokenHttp(OutboundHttp http, Duration timeout) {
    this.http = http;
    this.timeout = timeout;
  }

  /** Calls token endpoints on {@code http}, each call given up after {@code timeout}. */
  public static TokenHttp create(OutboundHttp http, Duration timeout) {
    if (!timeout.isPositive()) {
      throw new IllegalArgumentException("token call timeout must be positive, was " + timeout);
    }
    return new TokenHttp(http, timeout);
  }

  /** What a call got: an HTTP answer, or the outcome to report because there was none. */
  sealed interface Reply {}

  /** An answer, whatever its status. */
  record Answered(int status, Optional<String> contentType, String body) implements Reply {}

  /** No answer: the outcome says why (refused address, timeout, lost connection). */
  record NoAnswer(TokenOutcome outcome) implements Reply {}

  /** Sends Nimbus's request (always a POST of a form) as it built it. */
  Reply send(HTTPRequest nimbus, String endpoint) {
    return send(
        nimbus.getURI(),
        endpoint,
        request -> {
          request.method(HttpMethod.POST);
          String contentType = null;
          for (Map.Entry<String, List<String>> header : nimbus.getHeaderMap().entrySet()) {
            if (header.getKey().equalsIgnoreCase("Content-Type")) {
              contentType = header.getValue().get(0);
            } else {
              header.getValue().forEach(v -> request.headers(h -> h.add(header.getKey(), v)));
            }
          }
          String body = nimbus.getBody() == null ? "" : nimbus.getBody();
          request.body(new StringRequestContent(contentType, body, StandardCharsets.UTF_8));
        });
  }

  /** POSTs {@code form} form-encoded to {@code uri}. */
  Reply postForm(URI uri, Map<String, String> form, String endpoint) {
    return send(
        uri,
        endpoint,
        request ->
            request
                .method(HttpMethod.POST)
                .body(
                    new StringRequestContent(
                        "application/x-www-form-urlencoded",
                        encode(form),
                        StandardCharsets.UTF_8)));
  }

  /** GETs {@code base} with {@code query} added to its query. */
  Reply get(URI base, Map<String, String> query, String endpoint) {
    String separator = base.getRawQuery() == null ? "?" : "&";
    URI uri = URI.create(base + separator + encode(query));
    return send(uri, endpoint, request -> request.method(HttpMethod.GET));
  }

  /**
   * One call on the guarded client, given up after the timeout. A refused address is a {@link
   * TokenOutcome.Blocked} and nothing is sent; a name that does not resolve, a timeout or a broken
   * connection is {@link TokenOutcome.Unavailable}, worth trying again later.
   */
  private Reply send(URI uri, String endpoint, Consumer<Request> build) {
    Request request;
    try {
      request = http.newRequest(uri);
    } catch (OutboundRefusedException refused) {
      return new NoAnswer(new TokenOutcome.Blocked(refused));
    }
    build.accept(request);
    request.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    request.headers(
        h -> {
          if (!h.contains(HttpHeader.ACCEPT)) {
            h.put(HttpHeader.ACCEPT, "application/json");
          }
        });
    ContentResponse response;
    try {
      response = new CompletableResponseListener(request, MAX_RESPONSE_BYTES).send().get();
    } catch (InterruptedException e) {
      request.abort(e);
      Thread.currentThread().interrupt();
      return new NoAnswer(
          new TokenOutcome.Unavailable("the call to " + endpoint + " was interrupted"));
    } catch (ExecutionException e) {
      return new NoAnswer(failure(e.getCause(), endpoint));
    }
    return new Answered(
        response.getStatus(),
        Optional.ofNullable(response.getHeaders().get(HttpHeader.CONTENT_TYPE)),
        response.getContentAsString());
  }

  private static TokenOutcome failure(Throwable failure, String endpoint) {
    Optional<OutboundRefusedException> refused = OutboundHttp.refusal(failure);
    if (refused.isPresent()) {
      return refused.get().hostNotFound()
          ? new TokenOutcome.Unavailable(
              endpoint + " could not be reached: " + refused.get().getMessage())
          : new TokenOutcome.Blocked(refused.get());
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException) {
        return new TokenOutcome.Unavailable(endpoint + " timed out");
      }
    }
    // How Jetty's buffering listener says that the body outgrew its limit.
    if (failure instanceof IllegalArgumentException
        && String.valueOf(failure.getMessage()).startsWith("Buffering capacity")) {
      return new TokenOutcome.Unavailable(
          endpoint
              + " answered with more than "
              + MAX_RESPONSE_BYTES / 1024
              + " KiB, which is no token response");
    }
    return new TokenOutcome.Unavailable(
        endpoint + " could not be reached: " + failure.getClass().getSimpleName());
  }

  private static String encode(Map<String, String> params) {
    return params.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
