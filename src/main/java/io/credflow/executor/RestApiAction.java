package io.credflow.executor;

import io.credflow.common.Timing;
import io.credflow.common.UpstreamException;
import io.credflow.common.ValidationException;
import io.credflow.credential.Authority;
import io.credflow.credential.RequestAuthorities;
import io.credflow.outbound.OutboundHttp;
import io.credflow.outbound.OutboundRefusedException;
import io.credflow.tenancy.Caller;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.MultiPartRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MultiPart;

/**
 * The REST API component's HTTP request action: one request spec, one message, one credential, one
 * result. Used in-process by an embedding runtime, by {@code POST /v2/workspaces/{ws}/requests} and
 * by {@code credflow request}, always with the same semantics.
 *
 * <p>Thread-safe: it holds only immutable settings and shared, thread-safe clients; everything
 * about one call lives on that call's stack.
 *
 * <p>Every wait (the spec's {@code delay}, {@code Retry-After}, backoff) goes to the {@link
 * Timing}'s sleeper, backoff jitter comes from its random source and an HTTP-date in {@code
 * Retry-After} is read against its clock. Only the per-attempt {@code requestTimeoutPeriod} runs on
 * real time: it bounds I/O, which the HTTP client enforces itself.
 *
 * <p>Order of handling, as the component specifies: an OAuth2 401 (or another answer that says the
 * token expired, see {@link ExpirySignals}) refreshes the token once and retries once; a status in
 * {@code ignoreErrorCodes} is a result; a status in {@code errorCodes}, a timeout or a lost
 * connection goes to the {@code errorPolicy}; any other status of 400 or more fails the call.
 */
public final class RestApiAction {
  /** Limits of the action itself (not of one spec). */
  public record Settings(int maxResponseBytes, Duration maxWait) {
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 20 * 1024 * 1024;

    public static Settings defaults() {
      return new Settings(DEFAULT_MAX_RESPONSE_BYTES, Duration.ofMinutes(5));
    }
  }

  /**
   * How long an attachment made by a call without a scope of its own lives ({@code
   * downloadAsAttachment} through the API or the command line).
   */
  public static final Duration DEFAULT_ATTACHMENT_TTL = Duration.ofHours(24);

  /** Longest part of an upstream body quoted in an error message. */
  private static final int QUOTED_BODY = 1_000;

  /** How much longer than the request's timeout to wait for an answer's headers. */
  private static final long HEADERS_GRACE_MS = 1_000;

  private final RequestAuthorities credentials;
  private final OutboundHttp outbound;
  private final Settings settings;
  private final Timing timing;
  private final Backoff backoff;
  private final Pacer pacer = new Pacer();
  private final Attachments attachments;
  private final Uploads uploads;

  /**
   * The action; {@code attachments} keeps what {@code downloadAsAttachment} downloads and serves
   * the attachment URLs {@code uploadFile} reads.
   */
  public RestApiAction(
      RequestAuthorities credentials,
      OutboundHttp outbound,
      Settings settings,
      Timing timing,
      Attachments attachments) {
    this.credentials = credentials;
    this.outbound = outbound;
    this.settings = settings;
    this.timing = timing;
    this.backoff = new Backoff(settings.maxWait(), timing.jitter());
    this.attachments = attachments;
    this.uploads = new Uploads(attachments, outbound);
  }

  /**
   * Sends the request {@code spec} describes for {@code message} with the credential's
   * authorization, and returns the result.
   *
   * @throws io.credflow.common.ValidationException 422 when an expression fails on this message or
   *     gives an unusable URL
   * @throws OutboundRefusedException 422 when the URL (or a redirect) points where Credflow may not
   *     connect; nothing is sent there
   * @throws UpstreamException 502 {@code upstream_error} when the error policy fails the call
   * @throws ReboundException 503 {@code rebound} under the {@code rebound} policy
   */
  public RequestResult execute(
      Caller caller, String workspaceId, String credentialId, RequestSpec spec, Message message) {
    return execute(
        caller,
        workspaceId,
        credentialId,
        spec,
        message,
        new AttachmentScope(
            workspaceId, Optional.empty(), timing.clock().instant().plus(DEFAULT_ATTACHMENT_TTL)));
  }

  /**
   * {@link #execute(Caller, String, String, RequestSpec, Message)}, keeping what {@code
   * downloadAsAttachment} downloads in {@code scope}, which must be of {@code workspaceId}.
   *
   * <p>A successful answer ({@code 2xx}, not an error code) is streamed into the attachment store
   * as it arrives, up to {@code maxContentLength} (at most 100 MiB), and never held in memory. Only
   * when an OAuth2 auth-client's {@code token_expired_when} names that status (its predicate reads
   * the body) is the answer read into memory first, up to 20 MiB. Other answers (redirects, error
   * codes, retries) are read into memory as without {@code downloadAsAttachment}. The stored bytes
   * are the upstream's as received: unlike a {@code responseBody}, they are not searched for the
   * credential's secret.
   */
  public RequestResult execute(
      Caller caller,
      String workspaceId,
      String credentialId,
      RequestSpec spec,
      Message message,
      AttachmentScope scope) {
    if (!scope.workspaceId().equals(workspaceId)) {
      throw new IllegalArgumentException(
          "attachments of workspace "
              + scope.workspaceId()
              + " cannot be kept for a request in workspace "
              + workspaceId);
    }
    Authority authority = credentials.forRequest(caller, workspaceId, credentialId);
    Outgoing request =
        Outgoing.prepare(spec, message, authority.authorization(), uploads(workspaceId, spec));
    requireBodyWithin(request, spec);
    Masks masks = Masks.of(authority.mask());
    pause(pacer.reserve(credentialId, spec, timing.clock().instant()));
    boolean reauthorized = false;
    int attempt = 1;
    Exchange exchange =
        sendFollowingRedirects(
            request, spec, masks, download(spec, scope, authority, true, request));
    while (true) {
      switch (followUp(exchange, spec, request, authority, !reauthorized, attempt, masks, scope)) {
        case FollowUp.Done done -> {
          return done.result();
        }
        case FollowUp.Fail fail -> throw fail.error();
        case FollowUp.Reauthorize() -> {
          reauthorized = true;
          Optional<Authority> fresh = credentials.afterUnauthorized(authority);
          if (fresh.isEmpty()) {
            continue; // no newer token: the same answer again, under the remaining rules
          }
          authority = fresh.get();
          masks = masks.and(authority.mask());
          request = request.reauthorized(authority.authorization());
        }
        case FollowUp.Retry retry -> {
          pause(retry.after());
          attempt++;
        }
      }
      exchange =
          sendFollowingRedirects(
              request, spec, masks, download(spec, scope, authority, !reauthorized, request));
    }
  }

  /** Where {@code uploadFile} reads the files of a request in {@code workspaceId}. */
  private Uploads.Source uploads(String workspaceId, RequestSpec spec) {
    boolean byBodyLength = spec.maxBodyLength() < Attachments.MAX_BYTES;
    return uploads.forRequest(
        workspaceId,
        byBodyLength ? spec.maxBodyLength() : Attachments.MAX_BYTES,
        byBodyLength ? "maxBodyLength allows" : "(100 MiB) Credflow uploads at most",
        spec.requestTimeout());
  }

  /** What {@link #send} needs to store answers as they arrive, when the spec downloads them. */
  private static Optional<Download> download(
      RequestSpec spec,
      AttachmentScope scope,
      Authority authority,
      boolean mayReauthorize,
      Outgoing request) {
    return spec.downloadAsAttachment()
        ? Optional.of(
            new Download(
                scope,
                authority,
                mayReauthorize
                    && request.carriesCredential()
                    && authority.credential().type().isOAuth()))
        : Optional.empty();
  }

  /**
   * Whether {@code downloadAsAttachment} stores an answer of {@code status}: a successful one that
   * is a result ({@code 2xx}, not an error code unless an ignored one).
   */
  private static boolean storable(int status, RequestSpec spec) {
    return status >= 200
        && status <= 299
        && (!spec.errorCodes().contains(status) || spec.ignoreErrorCodes().contains(status));
  }

  /** {@code maxBodyLength}: a larger body is refused before anything is sent. */
  private static void requireBodyWithin(Outgoing request, RequestSpec spec) {
    long length = request.bodyLength();
    if (length > spec.maxBodyLength()) {
      throw new ValidationException(
          spec.pointer() + "/reader/body",
          "request_too_large",
          "the request body is "
              + length
              + " bytes, more than the "
              + spec.maxBodyLength()
              + " bytes maxBodyLength allows; nothing was sent");
    }
  }

  /**
   * What follows {@code exchange}, by the component's rules in their order: an OAuth2 401 is
   * reauthorized once; a status in {@code ignoreErrorCodes} is a result; an error code, a timeout
   * or a lost connection goes to the error policy; any other status of 400 or more fails.
   */
  private FollowUp followUp(
      Exchange exchange,
      RequestSpec spec,
      Outgoing request,
      Authority authority,
      boolean mayReauthorize,
      int attempt,
      Masks masks,
      AttachmentScope scope) {
    if (exchange instanceof Exchange.Received r
        && mayReauthorize
        && request.carriesCredential()
        && authority.credential().type().isOAuth()
        && ExpirySignals.expired(authority, r.status(), r.headers(), r.body())) {
      return new FollowUp.Reauthorize();
    }
    if (exchange instanceof Exchange.Received r && spec.ignoreErrorCodes().contains(r.status())) {
      return new FollowUp.Done(result(r, spec, masks, scope));
    }
    if (exchange instanceof Exchange.Received r && !spec.errorCodes().contains(r.status())) {
      return r.status() >= 400
          ? new FollowUp.Fail(new UpstreamException("upstream_error", describe(r, masks)))
          : new FollowUp.Done(result(r, spec, masks, scope));
    }
    return switch (spec.errorPolicy()) {
      case EMIT -> new FollowUp.Done(result(exchange, spec, masks, scope));
      case REBOUND -> new FollowUp.Fail(new ReboundException(describe(exchange, masks)));
      case THROW_ERROR ->
          new FollowUp.Fail(new UpstreamException("upstream_error", describe(exchange, masks)));
      case BY_COMPONENT -> retryOrFail(exchange, spec, attempt, masks);
    };
  }

  /** The {@code byComponent} policy: wait and try again, unless attempts or patience ran out. */
  private FollowUp retryOrFail(Exchange exchange, RequestSpec spec, int attempt, Masks masks) {
    if (attempt >= spec.attempts()) {
      return new FollowUp.Fail(
          new UpstreamException(
              "upstream_error",
              describe(exchange, masks)
                  + " (after "
                  + attempt
                  + (attempt == 1 ? " attempt)" : " attempts)")));
    }
    Duration wait = waitBefore(attempt, exchange);
    if (wait.compareTo(settings.maxWait()) > 0) {
      return new FollowUp.Fail(
          new UpstreamException(
              "upstream_error",
              describe(exchange, masks)
                  + " (the server asked to wait "
                  + wait.toSeconds()
                  + " s before trying again, longer than the "
                  + settings.maxWait().toSeconds()
                  + " s Credflow waits)"));
    }
    return new FollowUp.Retry(wait);
  }

  /** Retry-After when the server sent one (seconds or HTTP-date), else backoff with jitter. */
  private Duration waitBefore(int attempt, Exchange exchange) {
    if (exchange instanceof Exchange.Received r) {
      Optional<Duration> asked =
          r.headers().getValuesList(HttpHeader.RETRY_AFTER).stream()
              .findFirst()
              .flatMap(v -> RetryAfter.parse(v, timing.clock().instant()));
      if (asked.isPresent()) {
        return asked.get();
      }
    }
    return backoff.before(attempt);
  }

  private Exchange sendFollowingRedirects(
      Outgoing request, RequestSpec spec, Masks masks, Optional<Download> download) {
    String urlField = spec.pointer() + "/reader/url";
    Outgoing current = request;
    for (int hop = 0; ; hop++) {
      Exchange exchange;
      try {
        exchange = send(current, spec, masks, download);
      } catch (OutboundRefusedException refused) {
        // The url named the address, directly or through the redirects its server answered.
        throw (hop == 0
                ? refused
                : refused.about(
                    "the url redirected ("
                        + hop
                        + (hop == 1 ? " redirect" : " redirects")
                        + ") to "
                        + OutboundHttp.describe(current.uri())))
            .at(urlField);
      }
      if (!(exchange instanceof Exchange.Received r)
          || spec.maxRedirects() == 0
          || !isRedirect(r.status())) {
        return exchange;
      }
      String location = r.headers().get(HttpHeader.LOCATION);
      if (location == null) {
        return exchange;
      }
      URI next = resolve(current, location, masks);
      if (hop >= spec.maxRedirects()) {
        throw new UpstreamException(
            "too_many_redirects",
            masks.text(
                "stopped after "
                    + spec.maxRedirects()
                    + " redirects (maxRedirects); the last answer ("
                    + r.status()
                    + ") pointed to "
                    + OutboundHttp.describe(next)));
      }
      current = current.redirectedTo(next, r.status());
    }
  }

  /**
   * The redirect's target. An invalid Location is quoted up to its query only: an upstream may copy
   * the request's query, credential included, into it.
   */
  private static URI resolve(Outgoing current, String location, Masks masks) {
    try {
      return current.uri().resolve(location.strip());
    } catch (IllegalArgumentException e) {
      String why =
          e.getCause() instanceof URISyntaxException syntax
              ? syntax.getReason() + " at index " + syntax.getIndex()
              : "not a URL";
      int query = location.indexOf('?');
      String shown = query < 0 ? location.strip() : location.substring(0, query).strip() + "?…";
      throw new UpstreamException(
          "upstream_error",
          masks.text("the upstream redirected to an invalid Location (" + why + "): " + shown));
    }
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  /** One HTTP exchange: a response, or why there was none. */
  private Exchange send(
      Outgoing outgoing, RequestSpec spec, Masks masks, Optional<Download> download) {
    // Every hop is checked: the URL here, the resolved address when the connection opens.
    Request request =
        outbound
            .newRequest(outgoing.uri(), !spec.noStrictSsl())
            .method(outgoing.method())
            .timeout(spec.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
            .followRedirects(false)
            .headers(
                h -> {
                  // The first header of a name replaces what the client set by default
                  // (User-Agent, Accept-Encoding); repeats of it in the spec are kept.
                  Set<String> set = new HashSet<>();
                  for (Map.Entry<String, String> e : outgoing.headers()) {
                    if (set.add(e.getKey().toLowerCase(Locale.ROOT))) {
                      h.put(e.getKey(), e.getValue());
                    } else {
                      h.add(e.getKey(), e.getValue());
                    }
                  }
                });
    boolean userContentType =
        outgoing.headers().stream().anyMatch(e -> e.getKey().equalsIgnoreCase("Content-Type"));
    switch (outgoing.payload()) {
      case Outgoing.Payload.None none -> {}
      case Outgoing.Payload.Bytes b ->
          request.body(
              new BytesRequestContent(userContentType ? null : b.contentType(), b.bytes()));
      case Outgoing.Payload.Multipart m -> request.body(multipart(m));
    }
    if (download.isPresent()) {
      return receive(request, outgoing, spec, masks, download.get());
    }
    CompletableFuture<ContentResponse> future =
        new CompletableResponseListener(request, maxResponseBytes(spec)).send();
    try {
      ContentResponse response = future.get();
      return new Exchange.Received(
          response.getStatus(),
          response.getReason(),
          response.getHeaders(),
          response.getContent(),
          Optional.empty());
    } catch (InterruptedException e) {
      request.abort(e);
      Thread.currentThread().interrupt();
      throw new UpstreamException("upstream_error", "the request was interrupted");
    } catch (ExecutionException e) {
      return failure(e.getCause(), outgoing, spec, masks);
    }
  }

  /**
   * One exchange under {@code downloadAsAttachment}: once the headers say the answer will be stored
   * as it is, its body streams into the attachment store; any other answer is read into memory as
   * {@link #send} reads it.
   */
  private Exchange receive(
      Request request, Outgoing outgoing, RequestSpec spec, Masks masks, Download download) {
    InputStreamResponseListener listener = new InputStreamResponseListener();
    request.send(listener);
    Response response;
    try {
      response =
          listener.get(spec.requestTimeout().toMillis() + HEADERS_GRACE_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      request.abort(e);
      Thread.currentThread().interrupt();
      throw new UpstreamException("upstream_error", "the request was interrupted");
    } catch (TimeoutException e) {
      request.abort(e);
      return failure(e, outgoing, spec, masks);
    } catch (ExecutionException e) {
      return failure(e.getCause(), outgoing, spec, masks);
    }
    int status = response.getStatus();
    HttpFields headers = response.getHeaders();
    boolean stored =
        storable(status, spec)
            && !(download.mayReauthorize()
                && ExpirySignals.mightSayExpired(download.authority(), status, headers));
    long limit =
        stored ? Math.min(spec.maxContentLength(), Attachments.MAX_BYTES) : maxResponseBytes(spec);
    try (InputStream in = new CappedInput(listener.getInputStream(), limit)) {
      if (stored) {
        Attachment attachment =
            attachments.store(download.scope(), headers.get(HttpHeader.CONTENT_TYPE), in);
        return new Exchange.Received(
            status, response.getReason(), headers, new byte[0], Optional.of(attachment));
      }
      return new Exchange.Received(
          status, response.getReason(), headers, in.readAllBytes(), Optional.empty());
    } catch (IOException | UncheckedIOException e) {
      Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
      request.abort(cause);
      if (cause instanceof CappedInput.TooLarge) {
        throw responseTooLarge(outgoing, limit);
      }
      return failure(cause, outgoing, spec, masks);
    }
  }

  private static UpstreamException responseTooLarge(Outgoing outgoing, long limit) {
    return new UpstreamException(
        "response_too_large",
        "the response of "
            + OutboundHttp.describe(outgoing.uri())
            + " is larger than "
            + limit
            + " bytes, the limit (maxContentLength)");
  }

  /** {@code maxContentLength}, within what the action reads at most. */
  private int maxResponseBytes(RequestSpec spec) {
    return Math.min(spec.maxContentLength(), settings.maxResponseBytes());
  }

  private Exchange failure(Throwable cause, Outgoing outgoing, RequestSpec spec, Masks masks) {
    Optional<OutboundRefusedException> refused = OutboundHttp.refusal(cause);
    if (refused.isPresent()) {
      throw refused.get();
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException) {
        return new Exchange.TimedOut(
            "no response from "
                + OutboundHttp.describe(outgoing.uri())
                + " within "
                + spec.requestTimeout().toMillis()
                + " ms (requestTimeoutPeriod)");
      }
      if (t instanceof IllegalArgumentException
          && String.valueOf(t.getMessage()).contains("capacity")) {
        throw responseTooLarge(outgoing, maxResponseBytes(spec));
      }
    }
    String reason =
        cause == null || cause.getMessage() == null
            ? cause == null ? "unknown" : cause.getClass().getSimpleName()
            : cause.getMessage();
    return new Exchange.Lost(
        "could not reach " + OutboundHttp.describe(outgoing.uri()) + ": " + masks.text(reason));
  }

  private static MultiPartRequestContent multipart(Outgoing.Payload.Multipart m) {
    // Built afresh from bytes for every attempt: a content source is read once.
    MultiPartRequestContent content = new MultiPartRequestContent();
    for (Outgoing.Payload.Part p : m.parts()) {
      HttpFields fields = HttpFields.build().add(HttpHeader.CONTENT_TYPE, p.contentType());
      content.addPart(
          new MultiPart.ByteBufferPart(
              p.name(), p.filename().orElse(null), fields, ByteBuffer.wrap(p.bytes())));
    }
    content.close();
    return content;
  }

  private RequestResult result(
      Exchange exchange, RequestSpec spec, Masks masks, AttachmentScope scope) {
    boolean verified = !spec.noStrictSsl();
    return switch (exchange) {
      case Exchange.Received r when spec.downloadAsAttachment() && storable(r.status(), spec) ->
          new RequestResult(
              r.status(),
              ReceivedHeaders.asReceived(fields(r.headers(), masks)),
              null,
              verified,
              Optional.of(
                  r.stored()
                      .orElseGet(
                          () ->
                              attachments.store(
                                  scope,
                                  r.headers().get(HttpHeader.CONTENT_TYPE),
                                  new ByteArrayInputStream(r.body())))));
      case Exchange.Received r ->
          new RequestResult(
              r.status(),
              ReceivedHeaders.asReceived(fields(r.headers(), masks)),
              masks.value(
                  ResponseDecoder.decode(
                      r.body(), r.headers().get(HttpHeader.CONTENT_TYPE), spec.responseEncoding())),
              verified);
      // No response to return: the result says what happened, as a gateway would.
      case Exchange.TimedOut t ->
          new RequestResult(
              504, Map.of(), Map.of("error", "timeout", "message", t.message()), verified);
      case Exchange.Lost l ->
          new RequestResult(
              502, Map.of(), Map.of("error", "connection", "message", l.message()), verified);
    };
  }

  private static List<Map.Entry<String, String>> fields(HttpFields headers, Masks masks) {
    List<Map.Entry<String, String>> out = new ArrayList<>(headers.size());
    for (HttpField f : headers) {
      out.add(Map.entry(f.getName(), masks.text(f.getValue() == null ? "" : f.getValue())));
    }
    return out;
  }

  /**
   * The component's error message: {@code Got error "<statusText>", status - "<status>", body: …}.
   */
  private static String describe(Exchange exchange, Masks masks) {
    return switch (exchange) {
      case Exchange.Received r -> {
        String reason =
            r.reason() == null || r.reason().isBlank()
                ? HttpStatus.getMessage(r.status())
                : r.reason();
        // Masked before it is cut: a cut through a secret would leave its start unmasked.
        String body = masks.text(new String(r.body(), StandardCharsets.UTF_8));
        if (body.length() > QUOTED_BODY) {
          body = body.substring(0, QUOTED_BODY) + "…";
        }
        yield masks.text(
            "Got error \"" + reason + "\", status - \"" + r.status() + "\", body: " + body);
      }
      case Exchange.TimedOut t -> masks.text(t.message());
      case Exchange.Lost l -> l.message();
    };
  }

  /** Waits through the timing ({@link Timing#pause}); an interrupted wait ends the call. */
  private void pause(Duration wait) {
    if (!timing.pause(wait)) {
      throw new UpstreamException("upstream_error", "the request was interrupted while waiting");
    }
  }

  /** The step after an exchange, decided before anything is done about it. */
  private sealed interface FollowUp {
    /** Refresh the OAuth2 token and send again (once per call). */
    record Reauthorize() implements FollowUp {}

    /** Send again after {@code after}. */
    record Retry(Duration after) implements FollowUp {}

    record Done(RequestResult result) implements FollowUp {}

    record Fail(RuntimeException error) implements FollowUp {}
  }

  /**
   * A call under {@code downloadAsAttachment}: where its answers are stored, and whether an answer
   * could still be an expired token's (then it is read before it is stored).
   */
  private record Download(AttachmentScope scope, Authority authority, boolean mayReauthorize) {}

  /** What one send produced. */
  private sealed interface Exchange {
    /** An answer; {@code stored} when its body went to the attachment store as it arrived. */
    record Received(
        int status, String reason, HttpFields headers, byte[] body, Optional<Attachment> stored)
        implements Exchange {}

    record TimedOut(String message) implements Exchange {}

    record Lost(String message) implements Exchange {}
  }
}
