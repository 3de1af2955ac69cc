package io.credflow.console;

import io.credflow.common.NotFoundException;
import io.credflow.common.Page;
import io.credflow.component.Component;
import io.credflow.console.view.Shell;
import io.credflow.console.view.Shell.Crumb;
import io.credflow.console.view.Shell.WorkspaceChoice;
import io.credflow.credential.Credential;
import io.credflow.tenancy.Workspace;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the page classes share: the services, the workspace and component of the path (404 as the
 * API answers for one the user cannot see), the shell around a page, and redirects that work for
 * plain and htmx requests alike.
 */
final class ConsolePages {
  /** The one-time notices a redirect may ask a page to show, by key: no text from the URL. */
  private static final Map<String, String> NOTICES =
      Map.ofEntries(
          Map.entry("saved", "Saved."),
          Map.entry("deleted", "Deleted."),
          Map.entry("authenticated", "Authenticated: the credential is saved and ready."),
          Map.entry("reconnected", "Reconnected: the credential has new tokens."),
          Map.entry("created", "Created."),
          Map.entry("started", "Started: the run goes on in the background."),
          Map.entry("retried", "Retrying from the failed step."),
          Map.entry("cancelled", "Cancelled."),
          Map.entry("duplicate", "Created, with a warning below."),
          Map.entry("signed-in", "Welcome to Credflow."),
          Map.entry("draft_saved", "Saved to the draft: publish it to make runs use it."),
          Map.entry("draft_discarded", "Draft discarded: the flow is as last published."),
          Map.entry("published", "Published: new runs use the new version."),
          Map.entry("credential_saved", "Credential saved and chosen for this step."),
          Map.entry("ping_sent", "Ping sent: its delivery is below."),
          Map.entry("delivery_retried", "Sent again: the new attempt is below."));

  private final Console.Services services;
  private final Web web;

  ConsolePages(Console.Services services, Web web) {
    this.services = services;
    this.web = web;
  }

  Console.Services services() {
    return services;
  }

  Web web() {
    return web;
  }

  Instant now() {
    return services.clock().instant();
  }

  /** The workspace of the path's {@code ws}, if the user may see it; else a 404. */
  Workspace workspace(Context ctx, Visit visit) {
    return services.tenancy().workspace(visit.caller(), ctx.pathParam("ws"));
  }

  /** The path's {@code component}, usable in {@code ws}; else a 404. */
  Component component(Context ctx, Visit visit, Workspace ws) {
    return componentById(visit, ws, ctx.pathParam("component"));
  }

  Component componentById(Visit visit, Workspace ws, String id) {
    return services
        .components()
        .find(visit.caller(), id)
        .filter(c -> c.usableAt(ws.location()))
        .orElseThrow(() -> new NotFoundException("component", id));
  }

  /** The components a workspace can use, in creation order. */
  List<Component> usableComponents(Visit visit, Workspace ws) {
    return Page.all(page -> services.components().list(visit.caller(), page)).stream()
        .filter(c -> c.usableAt(ws.location()))
        .toList();
  }

  /** Whether a credential has a verify request: its own, or its auth-client's. */
  boolean hasVerifyRequest(Credential credential) {
    return credential.verifyRequest().isPresent()
        || services
            .authClients()
            .findUnchecked(credential.authClientId())
            .flatMap(a -> a.settings().verifyRequest())
            .isPresent();
  }

  /** The workspaces the user can switch between, labelled with their tenant's name. */
  List<WorkspaceChoice> workspaces(Visit visit) {
    List<Workspace> all = Page.all(page -> services.tenancy().workspaces(visit.caller(), page));
    Map<String, String> tenants = new HashMap<>();
    List<WorkspaceChoice> out = new ArrayList<>();
    for (Workspace w : all) {
      String tenant =
          tenants.computeIfAbsent(
              w.tenantId(),
              id -> {
                try {
                  return services.tenancy().tenant(visit.caller(), id).name();
                } catch (RuntimeException e) {
                  return id;
                }
              });
      out.add(new WorkspaceChoice(w.id(), w.name(), tenant + " / " + w.name()));
    }
    return out;
  }

  Shell shell(
      Context ctx, Visit visit, Workspace ws, String section, String title, List<Crumb> crumbs) {
    List<WorkspaceChoice> choices = workspaces(visit);
    WorkspaceChoice current =
        choices.stream()
            .filter(c -> c.id().equals(ws.id()))
            .findFirst()
            .orElse(new WorkspaceChoice(ws.id(), ws.name(), ws.name()));
    List<Crumb> all = new ArrayList<>();
    all.add(Crumb.link(current.label(), "/w/" + ws.id() + "/credentials"));
    all.addAll(crumbs);
    return new Shell(
        title,
        visit.caller().user().email(),
        visit.caller().isAdminAt(ws.location()),
        visit.csrf(),
        choices,
        Optional.of(current),
        section,
        all,
        notice(ctx));
  }

  /** A shell outside any workspace (account pages, the start page). */
  Shell shell(Context ctx, Visit visit, String section, String title, List<Crumb> crumbs) {
    return new Shell(
        title,
        visit.caller().user().email(),
        visit.caller().isAnyAdmin(),
        visit.csrf(),
        workspaces(visit),
        Optional.empty(),
        section,
        crumbs,
        notice(ctx));
  }

  private static Optional<String> notice(Context ctx) {
    return Optional.ofNullable(ctx.queryParam("notice")).map(NOTICES::get);
  }

  /** Renders a page in the shell. */
  void render(Context ctx, String template, Shell shell, Map<String, Object> params) {
    Map<String, Object> all = new java.util.LinkedHashMap<>();
    all.put("shell", shell);
    all.putAll(params);
    web.render(ctx, template, all);
  }

  /** After a form: a 303 to {@code path}, or htmx's own redirect for a fragment request. */
  void redirect(Context ctx, String path) {
    if (ctx.header("HX-Request") != null) {
      ctx.header("HX-Redirect", path).status(204);
    } else {
      ctx.redirect(path, HttpStatus.SEE_OTHER);
    }
  }
}
