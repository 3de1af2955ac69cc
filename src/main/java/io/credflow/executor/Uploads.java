package io.credflow.executor;

import io.credflow.common.UpstreamException;
import io.credflow.common.ValidationException;
import io.credflow.outbound.OutboundHttp;
import io.credflow.outbound.OutboundRefusedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The bytes {@code uploadFile} sends, read from the URL a body or form value gives: one of
 * Credflow's own attachment URLs is read from the {@link Attachments} (of the request's workspace
 * only); any other URL is fetched through the outbound guard, without the credential, following at
 * most {@link #MAX_REDIRECTS} redirects (each checked by the guard again).
 *
 * <p>The bytes are held in memory: every attempt and redirect of the request sends them again (see
 * {@link Outgoing}). At most {@link Attachments#MAX_BYTES} are read for one request, and no more
 * than its {@code maxBodyLength}.
 */
final class Uploads {
  static final int MAX_REDIRECTS = 5;

  /** An attachment URL's path: {@code …/v2/workspaces/{ws}/attachments/{id}}. */
  private static final Pattern ATTACHMENT_PATH =
      Pattern.compile(".*/v2/workspaces/([0-9a-f]{24})/attachments/([0-9a-f]{24})");

  private final Attachments attachments;
  private final OutboundHttp outbound;

  Uploads(Attachments attachments, OutboundHttp outbound) {
    this.attachments = attachments;
    this.outbound = outbound;
  }

  /** A file to send: its bytes, and its content type when its source said one. */
  record File(byte[] bytes, Optional<String> contentType) {}

  /** Where a request's uploads come from, and how many bytes they may still have. */
  interface Source {
    /**
     * The bytes at {@code url} (a value an expression gave), at most {@code limit} of them.
     *
     * @param pointer the member the URL came from, named by every problem
     */
    File fetch(Object url, String pointer);
  }

  /**
   * The source for one request in {@code workspaceId}: at most {@code budget} bytes in all, and
   * {@code timeout} per fetch; {@code limitName} says in messages what set the budget.
   */
  Source forRequest(String workspaceId, long budget, String limitName, Duration timeout) {
    long[] left = {budget};
    return (value, pointer) -> {
      File file = fetch(workspaceId, value, pointer, left[0], budget, limitName, timeout);
      left[0] -= file.bytes().length;
      return file;
    };
  }

  private File fetch(
      String workspaceId,
      Object value,
      String pointer,
      long left,
      long budget,
      String limitName,
      Duration timeout) {
    URI uri = Outgoing.url(value, pointer, "file url");
    Matcher own = ATTACHMENT_PATH.matcher(uri.getRawPath() == null ? "" : uri.getRawPath());
    if (own.matches()
        && uri.getRawQuery() == null
        && attachments.url(own.group(1), own.group(2)).equals(uri)) {
      return attachment(workspaceId, own.group(1), own.group(2), pointer, left, budget, limitName);
    }
    return download(uri, pointer, left, budget, limitName, timeout);
  }

  private File attachment(
      String workspaceId,
      String owner,
      String id,
      String pointer,
      long left,
      long budget,
      String limitName) {
    if (!owner.equals(workspaceId)) {
      throw new ValidationException(
          pointer,
          "attachment_not_found",
          "attachment " + id + " is not an attachment of workspace " + workspaceId);
    }
    Optional<AttachmentContent> opened = attachments.open(workspaceId, id);
    if (opened.isEmpty()) {
      throw new ValidationException(
          pointer,
          "attachment_not_found",
          "attachment " + id + " of workspace " + workspaceId + " was not found or has expired");
    }
    try (AttachmentContent content = opened.get()) {
      if (content.size() > left) {
        throw tooLarge(pointer, "attachment " + id, content.size(), budget, limitName);
      }
      return new File(content.body().readAllBytes(), Optional.of(content.contentType()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read attachment " + id, e);
    }
  }

  private File download(
      URI start, String pointer, long left, long budget, String limitName, Duration timeout) {
    URI uri = start;
    for (int hop = 0; ; hop++) {
      ContentResponse response = get(uri, pointer, left, budget, limitName, timeout);
      int status = response.getStatus();
      String location = response.getHeaders().get(HttpHeader.LOCATION);
      if (status >= 300 && status < 400 && location != null && hop < MAX_REDIRECTS) {
        try {
          uri = uri.resolve(location.strip());
        } catch (IllegalArgumentException e) {
          throw unavailable(pointer, start, "redirected to an invalid Location");
        }
        continue;
      }
      if (status < 200 || status > 299) {
        throw unavailable(
            pointer, start, "answered " + status + (hop > 0 ? " after " + hop + " redirects" : ""));
      }
      return new File(
          response.getContent(),
          Optional.ofNullable(response.getHeaders().get(HttpHeader.CONTENT_TYPE)));
    }
  }

  private ContentResponse get(
      URI uri, String pointer, long left, long budget, String limitName, Duration timeout) {
    org.eclipse.jetty.client.Request request;
    try {
      request =
          outbound
              .newRequest(uri)
              .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .followRedirects(false);
    } catch (OutboundRefusedException refused) {
      throw refused.at(pointer);
    }
    int max = (int) Math.min(left, Integer.MAX_VALUE - 1);
    CompletableFuture<ContentResponse> future =
        new CompletableResponseListener(request, max).send();
    try {
      return future.get();
    } catch (InterruptedException e) {
      request.abort(e);
      Thread.currentThread().interrupt();
      throw new UpstreamException("upstream_error", "the upload was interrupted");
    } catch (ExecutionException e) {
      Optional<OutboundRefusedException> refused = OutboundHttp.refusal(e.getCause());
      if (refused.isPresent()) {
        throw refused.get().at(pointer);
      }
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (t instanceof TimeoutException) {
          throw new UpstreamException(
              "upstream_error",
              "the file at "
                  + OutboundHttp.describe(uri)
                  + " did not arrive within "
                  + timeout.toMillis()
                  + " ms (requestTimeoutPeriod)");
        }
        if (t instanceof IllegalArgumentException
            && String.valueOf(t.getMessage()).contains("capacity")) {
          throw tooLarge(
              pointer, "the file at " + OutboundHttp.describe(uri), -1, budget, limitName);
        }
      }
      Throwable cause = e.getCause();
      throw new UpstreamException(
          "upstream_error",
          "could not fetch the file at "
              + OutboundHttp.describe(uri)
              + ": "
              + (cause == null || cause.getMessage() == null
                  ? String.valueOf(cause)
                  : cause.getMessage()));
    }
  }

  private static ValidationException unavailable(String pointer, URI uri, String what) {
    return new ValidationException(
        pointer, "file_unavailable", "the file at " + OutboundHttp.describe(uri) + " " + what);
  }

  private static ValidationException tooLarge(
      String pointer, String what, long size, long budget, String limitName) {
    return new ValidationException(
        pointer,
        "request_too_large",
        what
            + (size >= 0 ? " has " + size + " bytes, more" : " is larger")
            + " than the "
            + budget
            + " bytes "
            + limitName
            + " (the files of one request together); nothing was sent");
  }
}
