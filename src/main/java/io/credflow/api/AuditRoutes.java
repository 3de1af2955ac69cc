package io.credflow.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.audit.Actions;
import io.credflow.audit.AuditEntry;
import io.credflow.audit.AuditFilter;
import io.credflow.audit.AuditRecord;
import io.credflow.audit.AuditScope;
import io.credflow.audit.AuditService;
import io.credflow.common.ForbiddenException;
import io.credflow.tenancy.Caller;
import io.credflow.tenancy.TenancyService;
import io.credflow.tenancy.Workspace;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The audit trail, read only: {@code GET /v2/audit}, newest first, filtered and paged. No route
 * writes, changes or deletes a record; any other method here answers 405.
 */
final class AuditRoutes {
  private static final String PATH = "/v2/audit";
  private static final String WORKSPACE = "filter[workspace]";
  private static final String ACTOR = "filter[actor]";
  private static final String SUBJECT = "filter[subject]";
  private static final String TYPE = "filter[type]";
  private static final String SINCE = "filter[since]";
  private static final String UNTIL = "filter[until]";
  private static final Set<String> FILTERS = Set.of(WORKSPACE, ACTOR, SUBJECT, TYPE, SINCE, UNTIL);

  /** The longest id an actor or subject filter can match (the columns' width). */
  private static final int MAX_ID = 64;

  private final TenancyService tenancy;
  private final AuditService audit;

  AuditRoutes(TenancyService tenancy, AuditService audit) {
    this.tenancy = tenancy;
    this.audit = audit;
  }

  void register(RoutesConfig routes) {
    routes.get(PATH, this::list);
  }

  private void list(Context ctx) {
    Requests.allowQuery(ctx, FILTERS);
    Caller caller = Requests.caller(ctx);
    AuditScope scope = tenancy.auditScope(caller);
    Optional<String> workspace = Requests.queryId(ctx, WORKSPACE, "workspace");
    workspace.ifPresent(id -> requireAdministered(caller, id));
    Optional<Instant> since = instant(ctx, SINCE);
    Optional<Instant> until = instant(ctx, UNTIL);
    if (since.isPresent() && until.isPresent() && !since.get().isBefore(until.get())) {
      throw ApiException.atParameter(
          400,
          "invalid_filter",
          UNTIL + " must be later than " + SINCE + " (" + since.get() + ")",
          UNTIL);
    }
    AuditFilter filter =
        new AuditFilter(workspace, id(ctx, ACTOR), id(ctx, SUBJECT), action(ctx), since, until);
    var page = audit.list(scope, filter, Requests.page(ctx));
    JsonApi.write(
        ctx,
        200,
        Representations.list(page, AuditRoutes::record, PATH, TenancyRoutes.queryOf(ctx)));
  }

  /**
   * A workspace filter names a workspace the caller administers: one it cannot see is not found (as
   * everywhere), one where it is only a member is refused.
   */
  private void requireAdministered(Caller caller, String id) {
    Workspace ws =
        tenancy
            .findWorkspace(id)
            .filter(w -> caller.sees(w.location()))
            .orElseThrow(
                () ->
                    ApiException.atParameter(
                        404, "not_found", "workspace " + id + " was not found", WORKSPACE));
    if (!caller.isAdminAt(ws.location())) {
      throw new ForbiddenException(
          "user "
              + caller.user().email()
              + " is not an admin of workspace "
              + id
              + "; its audit trail is read by its admins");
    }
  }

  private static Optional<String> id(Context ctx, String name) {
    Optional<String> v = Requests.query(ctx, name);
    if (v.isPresent() && (v.get().length() > MAX_ID || !v.get().matches("[A-Za-z0-9_.-]+"))) {
      throw ApiException.atParameter(
          400,
          "invalid_filter",
          name + " must be an id (letters, digits, '-', '_' and '.', at most " + MAX_ID + ")",
          name);
    }
    return v;
  }

  private static Optional<String> action(Context ctx) {
    Optional<String> v = Requests.query(ctx, TYPE);
    if (v.isPresent() && !Actions.ALL.contains(v.get())) {
      throw ApiException.atParameter(
          400, "invalid_filter", TYPE + " must be one of " + new TreeSet<>(Actions.ALL), TYPE);
    }
    return v;
  }

  /** An instant in ISO 8601 with its offset ({@code 2026-12-06T03:00:00Z}, {@code …+01:00}). */
  private static Optional<Instant> instant(Context ctx, String name) {
    Optional<String> v = Requests.query(ctx, name);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(v.get().strip()).toInstant());
    } catch (DateTimeParseException e) {
      throw ApiException.atParameter(
          400,
          "invalid_filter",
          name + " must be a time in ISO 8601 with its offset, like 2026-12-06T03:00:00Z",
          name);
    }
  }

  private static ObjectNode record(AuditEntry entry) {
    AuditRecord r = entry.record();
    ObjectNode resource = Representations.resource("audit-record", Long.toString(entry.seq()));
    ObjectNode a = Representations.attributes(resource);
    a.put("at", r.at().toString());
    a.put("action", r.action());
    ObjectNode actor = a.putObject("actor");
    actor.put("type", r.actor().type().wireName());
    actor.put("id", r.actor().id());
    Representations.putString(actor, "user_id", r.actor().userId());
    Representations.putString(actor, "email", r.actor().email());
    ObjectNode subject = a.putObject("subject");
    subject.put("type", r.subject().type());
    subject.put("id", r.subject().id());
    Representations.putString(a, "workspace", r.place().workspaceId());
    Representations.putString(a, "contract", r.place().contractId());
    Representations.putString(a, "tenant", r.place().tenantId());
    Representations.putString(a, "client_address", r.origin().clientAddress());
    Representations.putString(a, "reason", r.origin().reason());
    a.put("uses", r.uses());
    ObjectNode detail = a.putObject("detail");
    r.detail().forEach(detail::put);
    return resource;
  }
}
