package io.credflow.console;

import static io.credflow.console.Web.params;

import io.credflow.account.AccountService;
import io.credflow.common.NotFoundException;
import io.credflow.common.ValidationException;
import io.credflow.console.view.Form;
import io.credflow.console.view.Member;
import io.credflow.console.view.Shell.Crumb;
import io.credflow.tenancy.Membership;
import io.credflow.tenancy.Role;
import io.credflow.tenancy.Workspace;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Workspace: its members and their roles, adding a user (who gets a one-time link to set a
 * password), a new link for a user who lost theirs, removing a member; and the workspace switcher.
 */
final class WorkspacePages {
  private final ConsolePages pages;

  WorkspacePages(ConsolePages pages) {
    this.pages = pages;
  }

  void register(RoutesConfig routes) {
    Web web = pages.web();
    routes.get("/switch", web.signedIn(this::switchTo));
    routes.get(
        "/w/{ws}",
        web.signedIn(
            (ctx, v) ->
                ctx.redirect(
                    "/w/" + pages.workspace(ctx, v).id() + "/credentials", HttpStatus.SEE_OTHER)));
    routes.get("/w/{ws}/workspace", web.signedIn(this::members));
    routes.post("/w/{ws}/workspace/members", web.signedIn(this::invite));
    routes.post("/w/{ws}/workspace/members/{user}/link", web.signedIn(this::newLink));
    routes.post("/w/{ws}/workspace/members/{user}/remove", web.signedIn(this::remove));
  }

  private void switchTo(Context ctx, Visit visit) {
    String id = Optional.ofNullable(ctx.queryParam("ws")).orElse("");
    Workspace ws = pages.services().tenancy().workspace(visit.caller(), id);
    ctx.redirect("/w/" + ws.id() + "/credentials", HttpStatus.SEE_OTHER);
  }

  private void members(Context ctx, Visit visit) {
    render(ctx, visit, Form.empty(), Optional.empty());
  }

  private void render(Context ctx, Visit visit, Form form, Optional<String> link) {
    Workspace ws = pages.workspace(ctx, visit);
    var tenancy = pages.services().tenancy();
    List<Member> members = new ArrayList<>();
    for (Membership m : tenancy.members(visit.caller(), ws.location())) {
      String email;
      try {
        email = tenancy.user(visit.caller(), m.userId()).email();
      } catch (NotFoundException e) {
        email = "user " + m.userId();
      }
      members.add(
          new Member(
              m.userId(),
              email,
              m.role().wireName(),
              m.at().level().wireName(),
              m.at().id().equals(ws.id())));
    }
    pages.render(
        ctx,
        "workspace/members.jte",
        pages.shell(
            ctx,
            visit,
            ws,
            "workspace",
            "Workspace " + ws.name(),
            List.of(Crumb.here("Workspace"))),
        params(
            "workspace",
            ws,
            "members",
            members,
            "admin",
            visit.caller().isAdminAt(ws.location()),
            "form",
            form,
            "link",
            link));
  }

  private String linkOf(io.credflow.common.Secret token) {
    return AccountService.setupLink(pages.services().publicUrl().get(), token);
  }

  private void invite(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    Map<String, String> typed = Web.fields(ctx, List.of("email", "role"));
    Role role = Role.fromWireName(typed.getOrDefault("role", "member")).orElse(Role.MEMBER);
    try {
      var invited =
          pages
              .services()
              .accounts()
              .invite(
                  visit.caller(),
                  typed.getOrDefault("email", ""),
                  Optional.of(ws.location()),
                  role);
      render(ctx, visit, Form.empty(), Optional.of(linkOf(invited.setupToken())));
    } catch (ValidationException e) {
      ctx.status(422);
      render(ctx, visit, new Form(typed, Web.errors(e), List.of()), Optional.empty());
    } catch (io.credflow.common.ConflictException e) {
      ctx.status(409);
      render(
          ctx,
          visit,
          new Form(typed, Map.of("email", e.getMessage()), List.of()),
          Optional.empty());
    }
  }

  private void newLink(Context ctx, Visit visit) {
    var token = pages.services().accounts().newSetupLink(visit.caller(), ctx.pathParam("user"));
    render(ctx, visit, Form.empty(), Optional.of(linkOf(token)));
  }

  private void remove(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    pages.services().tenancy().removeMember(visit.caller(), ws.location(), ctx.pathParam("user"));
    pages.redirect(ctx, "/w/" + ws.id() + "/workspace?notice=deleted");
  }
}
