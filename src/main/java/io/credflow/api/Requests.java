package io.credflow.api;

import io.credflow.common.Ids;
import io.credflow.common.PageRequest;
import io.credflow.tenancy.Caller;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Reading what every route needs from a request: the caller, path ids, query parameters. */
final class Requests {
  static final String CALLER = "credflow.caller";
  private static final Set<String> PAGE_PARAMS = Set.of("page[size]", "page[after]");

  /** Every write may say why ({@code ?reason=}), for the audit trail. */
  static final String REASON = "reason";

  private Requests() {}

  static Caller caller(Context ctx) {
    Caller caller = ctx.attribute(CALLER);
    if (caller == null) {
      throw ApiException.of(401, "unauthenticated", "this endpoint needs an API key");
    }
    return caller;
  }

  /**
   * A path id; anything not shaped like an id cannot name a resource, and answers 404 like any
   * unknown id.
   */
  static String id(Context ctx, String param, String kind) {
    String id = ctx.pathParam(param);
    if (!Ids.looksLikeId(id)) {
      String printable = id.replaceAll("[^\\x20-\\x7e]", "?");
      throw ApiException.of(
          404,
          "not_found",
          kind
              + " "
              + (printable.length() > 40 ? printable.substring(0, 40) + "…" : printable)
              + " was not found");
    }
    return id;
  }

  /** Refuses query parameters the route does not know (pagination is always known on lists). */
  static void allowQuery(Context ctx, Set<String> allowed) {
    if (ctx.method() != io.javalin.http.HandlerType.GET && !allowed.contains(REASON)) {
      Set<String> withReason = new java.util.HashSet<>(allowed);
      withReason.add(REASON);
      allowed = withReason;
    }
    for (String name : ctx.queryParamMap().keySet()) {
      if (!allowed.contains(name) && !PAGE_PARAMS.contains(name)) {
        TreeSet<String> known = new TreeSet<>(allowed);
        known.addAll(PAGE_PARAMS);
        throw ApiException.atParameter(
            400,
            "unknown_parameter",
            "query parameter \"" + name + "\" is not supported here; supported: " + known,
            name);
      }
    }
    for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
      if (e.getValue().size() > 1) {
        throw ApiException.atParameter(
            400,
            "repeated_parameter",
            "query parameter \"" + e.getKey() + "\" is given twice",
            e.getKey());
      }
    }
  }

  /**
   * The {@code reason} query parameter, trimmed; empty when absent or blank. At most {@value
   * io.credflow.audit.Origin#MAX_REASON} characters and no control characters (it is stored as
   * given: no line breaks to forge records with, and no U+0000, which PostgreSQL cannot store).
   */
  static Optional<String> reason(Context ctx) {
    Optional<String> reason = query(ctx, REASON).map(String::strip).filter(r -> !r.isEmpty());
    if (reason.isEmpty()) {
      return reason;
    }
    String r = reason.get();
    if (r.length() > io.credflow.audit.Origin.MAX_REASON) {
      throw ApiException.atParameter(
          400,
          "reason_too_long",
          "reason must be at most " + io.credflow.audit.Origin.MAX_REASON + " characters",
          REASON);
    }
    if (r.chars().anyMatch(Character::isISOControl)) {
      throw ApiException.atParameter(
          400, "invalid_reason", "reason cannot hold control characters", REASON);
    }
    return reason;
  }

  static Optional<String> query(Context ctx, String name) {
    return Optional.ofNullable(ctx.queryParam(name)).filter(s -> !s.isEmpty());
  }

  /** An id in a query parameter: a malformed one matches nothing, like an unknown one. */
  static Optional<String> queryId(Context ctx, String name, String kind) {
    Optional<String> v = query(ctx, name);
    if (v.isPresent() && !Ids.looksLikeId(v.get())) {
      throw ApiException.atParameter(
          404, "not_found", kind + " named by " + name + " was not found", name);
    }
    return v;
  }

  static PageRequest page(Context ctx) {
    int size = PageRequest.DEFAULT_SIZE;
    Optional<String> sizeParam = query(ctx, "page[size]");
    if (sizeParam.isPresent()) {
      try {
        size = Integer.parseInt(sizeParam.get());
      } catch (NumberFormatException e) {
        size = -1;
      }
      if (size < 1 || size > PageRequest.MAX_SIZE) {
        throw ApiException.atParameter(
            400,
            "invalid_page_size",
            "page[size] must be a whole number from 1 to " + PageRequest.MAX_SIZE,
            "page[size]");
      }
    }
    Optional<Long> after = query(ctx, "page[after]").map(Requests::decodeCursor);
    return new PageRequest(size, after);
  }

  static String encodeCursor(long position) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("s" + position).getBytes(StandardCharsets.US_ASCII));
  }

  private static long decodeCursor(String cursor) {
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
      if (decoded.startsWith("s")) {
        long position = Long.parseLong(decoded.substring(1));
        if (position >= 0) {
          return position;
        }
      }
    } catch (IllegalArgumentException e) {
      // falls through to the error below
    }
    throw ApiException.atParameter(
        400,
        "invalid_cursor",
        "page[after] must be a cursor taken from a links.next of this list",
        "page[after]");
  }
}
