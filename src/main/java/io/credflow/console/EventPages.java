package io.credflow.console;

import static io.credflow.console.Web.params;

import io.credflow.console.view.CredentialPage;
import io.credflow.console.view.Shell.Crumb;
import io.credflow.tenancy.Workspace;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;

/** Events: what happened to the workspace's credentials, newest first. */
final class EventPages {
  /** How many of the newest events the page shows. */
  static final int LIMIT = 500;

  private final ConsolePages pages;

  EventPages(ConsolePages pages) {
    this.pages = pages;
  }

  void register(RoutesConfig routes) {
    routes.get("/w/{ws}/events", pages.web().signedIn(this::list));
  }

  private void list(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    List<CredentialPage.Line> lines =
        pages
            .services()
            .credentials()
            .latestEvents(visit.caller(), ws.id(), java.util.Optional.empty(), LIMIT)
            .stream()
            .map(
                e ->
                    new CredentialPage.Line(
                        Labels.when(e.at()),
                        e.type(),
                        "credential " + e.credentialId() + ": " + e.detail()))
            .toList();
    pages.render(
        ctx,
        "events.jte",
        pages.shell(ctx, visit, ws, "events", "Events", List.of(Crumb.here("Events"))),
        params("events", lines));
  }
}
