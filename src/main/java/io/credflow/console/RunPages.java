package io.credflow.console;

import static io.credflow.console.Web.params;

import io.credflow.common.ConflictException;
import io.credflow.console.view.RunPage;
import io.credflow.console.view.Shell;
import io.credflow.console.view.Shell.Crumb;
import io.credflow.flow.Flow;
import io.credflow.flow.Run;
import io.credflow.flow.RunService;
import io.credflow.flow.RunStatus;
import io.credflow.tenancy.Workspace;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;

/**
 * A run's page: its status, trigger and version, each step with its input, output, attempts,
 * rebounds, error and timings; Retry from the failed step and Cancel. While the run is running its
 * live part asks for itself again every second ({@code /live}), and stops once the run ended.
 */
final class RunPages {
  static final String BASE = "/w/{ws}/runs/{id}";

  private final ConsolePages pages;
  private final FlowViews views;

  RunPages(ConsolePages pages) {
    this.pages = pages;
    this.views = new FlowViews(pages);
  }

  void register(RoutesConfig routes) {
    Web web = pages.web();
    routes.get(BASE, web.signedIn(this::show));
    routes.get(BASE + "/live", web.signedIn(this::live));
    routes.post(BASE + "/retry", web.signedIn(this::retry));
    routes.post(BASE + "/cancel", web.signedIn(this::cancel));
  }

  private RunService runs() {
    return pages.services().runs();
  }

  private void show(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    render(
        ctx, visit, ws, runs().run(visit.caller(), ws.id(), ctx.pathParam("id")), Optional.empty());
  }

  /** The live part alone, for htmx's polling. */
  private void live(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    RunService.RunDetail detail = runs().run(visit.caller(), ws.id(), ctx.pathParam("id"));
    pages
        .web()
        .render(
            ctx,
            "flows/run-live.jte",
            params(
                "view",
                view(visit, ws, detail, Optional.empty()),
                "base",
                "/w/" + ws.id(),
                "csrf",
                visit.csrf(),
                "polled",
                true));
  }

  private RunPage view(
      Visit visit, Workspace ws, RunService.RunDetail detail, Optional<String> problem) {
    Run run = detail.run();
    String flowName;
    try {
      Flow flow = pages.services().flows().get(visit.caller(), ws.id(), run.flowId());
      flowName = flow.name();
    } catch (io.credflow.common.NotFoundException e) {
      flowName = "flow " + run.flowId();
    }
    return new RunPage(
        views.runRow(ws, run),
        run.flowId(),
        flowName,
        !run.status().ended(),
        run.status() == RunStatus.FAILED,
        run.failedStep().map(i -> i + 1),
        views.steps(detail),
        problem,
        run.requestId());
  }

  private void render(
      Context ctx,
      Visit visit,
      Workspace ws,
      RunService.RunDetail detail,
      Optional<String> problem) {
    RunPage view = view(visit, ws, detail, problem);
    String base = "/w/" + ws.id();
    Shell shell =
        pages.shell(
            ctx,
            visit,
            ws,
            "flows",
            "Run of " + view.flowName(),
            List.of(
                Crumb.link("Flows", base + "/flows"),
                Crumb.link(view.flowName(), base + "/flows/" + view.flowId()),
                Crumb.here("Run " + view.run().id())));
    // "Started" or "Retrying" says what goes on; once the run ended, its status says more.
    pages.render(
        ctx,
        "flows/run.jte",
        view.running() ? shell : shell.withNotice(Optional.empty()),
        params("view", view));
  }

  private void retry(Context ctx, Visit visit) {
    act(ctx, visit, true);
  }

  private void cancel(Context ctx, Visit visit) {
    act(ctx, visit, false);
  }

  private void act(Context ctx, Visit visit, boolean retry) {
    Workspace ws = pages.workspace(ctx, visit);
    String id = ctx.pathParam("id");
    try {
      if (retry) {
        runs().retry(visit.caller(), ws.id(), id);
      } else {
        runs().cancel(visit.caller(), ws.id(), id);
      }
    } catch (ConflictException e) {
      ctx.status(409);
      render(
          ctx,
          visit,
          ws,
          runs().run(visit.caller(), ws.id(), id),
          Optional.of((retry ? "Not retried: " : "Not cancelled: ") + e.getMessage()));
      return;
    }
    pages.redirect(ctx, FlowViews.runHref(ws, id) + "?notice=" + (retry ? "retried" : "cancelled"));
  }
}
