package io.credflow.authclient;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How an API of an OAuth auth-client says that an access token expired, beyond a {@code 401} (which
 * always counts): an answer whose status is one of {@code statuses} (any status when there are
 * none) and, when there is a {@code body} predicate, for which that JSONata expression over {@code
 * {status, headers, body}} is {@code true}. The auth-client's {@code token_expired_when}, e.g.
 * {@code {"status": [400, 200], "body": "body.error.code = 190"}} for the Graph API's error 190.
 *
 * @param statuses the statuses that may signal expiry; empty for any
 * @param body the predicate's text, checked to be JSONata when the auth-client was written
 */
public record TokenExpiredWhen(List<Integer> statuses, Optional<String> body) {
  /** Most statuses one auth-client may list. */
  public static final int MAX_STATUSES = 20;

  /** Longest predicate accepted. */
  public static final int MAX_BODY = 4096;

  public TokenExpiredWhen {
    statuses = List.copyOf(statuses);
  }

  /** Whether an answer with {@code status} may signal expiry (its body still to be checked). */
  public boolean statusMatches(int status) {
    return statuses.isEmpty() || statuses.contains(status);
  }

  /** As the auth-client's {@code token_expired_when} member shows it. */
  public Map<String, Object> members() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (!statuses.isEmpty()) {
      m.put("status", statuses);
    }
    body.ifPresent(b -> m.put("body", b));
    return m;
  }
}
