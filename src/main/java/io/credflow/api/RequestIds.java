package io.credflow.api;

import io.credflow.logging.LogOutput;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.MDC;

/**
 * Gives every request an id: the caller's {@value #HEADER} when it is short and printable (a load
 * balancer's or a client's, so one id follows the request through), else a new one. The id is
 * answered in the same header and is in the logging MDC ({@value LogOutput#REQUEST_ID}) while the
 * request is served, so every log line written for it names it; work the request does on its own
 * thread (a refresh on use, the upstream call) logs it too.
 */
final class RequestIds implements Filter {
  static final String HEADER = "X-Request-Id";

  /** Longer ids are replaced: an id is for matching lines, not a place to carry data. */
  static final int MAX_LENGTH = 128;

  private final Supplier<String> newId;

  RequestIds(Supplier<String> newId) {
    this.newId = newId;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String id = accepted(((HttpServletRequest) request).getHeader(HEADER)).orElseGet(newId::get);
    ((HttpServletResponse) response).setHeader(HEADER, id);
    MDC.put(LogOutput.REQUEST_ID, id);
    try {
      chain.doFilter(request, response);
    } finally {
      MDC.remove(LogOutput.REQUEST_ID);
    }
  }

  /**
   * {@code given} when it can name a request: 1 to {@value #MAX_LENGTH} visible ASCII characters
   * (no spaces, no control characters, nothing a log line or a header could be broken with).
   */
  static Optional<String> accepted(String given) {
    if (given == null || given.isEmpty() || given.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    for (int i = 0; i < given.length(); i++) {
      char c = given.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return Optional.empty();
      }
    }
    return Optional.of(given);
  }
}
