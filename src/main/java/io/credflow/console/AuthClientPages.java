package io.credflow.console;

import static io.credflow.console.Web.params;

import io.credflow.authclient.AuthClient;
import io.credflow.authclient.AuthClientService;
import io.credflow.authclient.SettingsPatch;
import io.credflow.common.ConflictException;
import io.credflow.common.Page;
import io.credflow.common.ValidationException;
import io.credflow.component.AuthClientType;
import io.credflow.component.Component;
import io.credflow.console.view.AuthClientRow;
import io.credflow.console.view.Choice;
import io.credflow.console.view.Form;
import io.credflow.console.view.Shell.Crumb;
import io.credflow.tenancy.Workspace;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Auth clients: those this workspace may use; add one for a component, rename, replace, delete. */
final class AuthClientPages {
  private final ConsolePages pages;

  AuthClientPages(ConsolePages pages) {
    this.pages = pages;
  }

  void register(RoutesConfig routes) {
    Web web = pages.web();
    routes.get("/w/{ws}/auth-clients", web.signedIn(this::list));
    routes.get("/w/{ws}/auth-clients/new", web.signedIn(this::newForm));
    routes.post("/w/{ws}/auth-clients/new", web.signedIn(this::create));
    routes.get("/w/{ws}/auth-clients/{id}", web.signedIn(this::editForm));
    routes.post("/w/{ws}/auth-clients/{id}", web.signedIn(this::update));
    routes.post("/w/{ws}/auth-clients/{id}/delete", web.signedIn(this::delete));
  }

  private void list(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    Map<String, String> names = new LinkedHashMap<>();
    pages.usableComponents(visit, ws).forEach(c -> names.put(c.id(), c.name()));
    AuthClientService.Filter usableHere =
        new AuthClientService.Filter(Optional.of(ws.id()), Optional.empty(), Optional.empty());
    List<AuthClientRow> rows =
        Page.all(page -> pages.services().authClients().list(visit.caller(), usableHere, page))
            .stream()
            .map(
                a ->
                    new AuthClientRow(
                        a.id(),
                        a.name(),
                        a.type().wireName(),
                        Labels.client(a, false).label(),
                        a.componentIds().stream().map(id -> names.getOrDefault(id, id)).toList(),
                        "/w/" + ws.id() + "/auth-clients/" + a.id()))
            .toList();
    pages.render(
        ctx,
        "authclients/list.jte",
        pages.shell(
            ctx, visit, ws, "auth-clients", "Auth clients", List.of(Crumb.here("Auth clients"))),
        params("rows", rows));
  }

  private void newForm(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    renderNew(ctx, visit, ws, Form.empty());
  }

  private void renderNew(Context ctx, Visit visit, Workspace ws, Form form) {
    List<Component> components = pages.usableComponents(visit, ws);
    String componentId =
        Optional.ofNullable(ctx.queryParam("component"))
            .or(() -> Optional.ofNullable(form.values().get("component")))
            .orElse(components.isEmpty() ? "" : components.get(0).id());
    Optional<Component> component =
        components.stream().filter(c -> c.id().equals(componentId)).findFirst();
    String type =
        Optional.ofNullable(ctx.queryParam("type"))
            .or(() -> Optional.ofNullable(form.values().get("type")))
            .orElse(
                component
                    .map(c -> c.descriptor().authClientTypes().get(0).wireName())
                    .orElse("oauth2"));
    List<Choice> componentChoices =
        components.stream()
            .map(c -> new Choice(c.id(), c.name(), c.id().equals(componentId)))
            .toList();
    List<Choice> types =
        component.map(c -> c.descriptor().authClientTypes()).orElse(List.of()).stream()
            .map(
                t -> new Choice(t.wireName(), Labels.type(t, component), t.wireName().equals(type)))
            .toList();
    pages.render(
        ctx,
        "authclients/new.jte",
        pages.shell(
            ctx,
            visit,
            ws,
            "auth-clients",
            "New auth client",
            List.of(
                Crumb.link("Auth clients", "/w/" + ws.id() + "/auth-clients"), Crumb.here("New"))),
        params(
            "form", form,
            "components", componentChoices,
            "component", componentId,
            "types", types,
            "type", type,
            "owners",
                AuthClientForms.owners(visit, ws, form.values().getOrDefault("owner", "workspace")),
            "scopes", component.map(c -> String.join(", ", c.descriptor().scopes())).orElse(""),
            "redirectUri", pages.services().authorizations().redirectUri().toString()));
  }

  private void create(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    Map<String, String> typed = Web.fields(ctx, AuthClientForms.PLAIN);
    typed.putAll(Web.fields(ctx, List.of("component", "type")));
    Component component = pages.componentById(visit, ws, typed.getOrDefault("component", ""));
    AuthClientType type =
        component.descriptor().authClientTypes().stream()
            .filter(t -> t.wireName().equals(typed.get("type")))
            .findFirst()
            .orElse(component.descriptor().authClientTypes().get(0));
    AuthClientService.Created created;
    try {
      created = AuthClientForms.create(pages, ctx, visit, ws, type, List.of(component.id()));
    } catch (ValidationException e) {
      ctx.status(422);
      renderNew(ctx, visit, ws, new Form(typed, Web.errors(e), List.of()));
      return;
    }
    String notice = created.warnings().isEmpty() ? "created" : "duplicate";
    pages.redirect(
        ctx,
        "/w/"
            + ws.id()
            + "/auth-clients/"
            + created.authClient().id()
            + "?notice="
            + notice
            + created.warnings().stream()
                .findFirst()
                .map(w -> "&duplicate=" + w.authClientId())
                .orElse(""));
  }

  private void editForm(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    AuthClient a = pages.services().authClients().usableIn(ws, ctx.pathParam("id"), "auth_client");
    Map<String, String> values = new LinkedHashMap<>();
    values.put("name", a.name());
    renderEdit(ctx, visit, ws, a, Form.of(values));
  }

  private void renderEdit(Context ctx, Visit visit, Workspace ws, AuthClient a, Form form) {
    Optional<String> duplicate = Optional.ofNullable(ctx.queryParam("duplicate"));
    pages.render(
        ctx,
        "authclients/edit.jte",
        pages.shell(
            ctx,
            visit,
            ws,
            "auth-clients",
            a.name(),
            List.of(
                Crumb.link("Auth clients", "/w/" + ws.id() + "/auth-clients"),
                Crumb.here(a.name()))),
        params(
            "client",
            Labels.client(a, false),
            "form",
            form,
            "oauth",
            a.type() == AuthClientType.OAUTH2 || a.type() == AuthClientType.OAUTH2_INSTAGRAM,
            "duplicate",
            duplicate,
            "redirectUri",
            pages.services().authorizations().redirectUri().toString()));
  }

  private void update(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    AuthClient a = pages.services().authClients().usableIn(ws, ctx.pathParam("id"), "auth_client");
    Map<String, String> typed = Web.fields(ctx, List.of("name"));
    Map<String, SettingsPatch.Edit> edits = new LinkedHashMap<>();
    String secret = Optional.ofNullable(ctx.formParam("credentials/client_secret")).orElse("");
    if (!secret.isEmpty()) {
      edits.put("client_secret", new SettingsPatch.Edit.Replace(secret));
    }
    try {
      pages
          .services()
          .authClients()
          .update(
              visit.caller(),
              a.id(),
              new AuthClientService.Change(
                  Optional.ofNullable(ctx.formParam("name")),
                  edits.isEmpty() ? Optional.empty() : Optional.of(new SettingsPatch(edits)),
                  Optional.empty()));
    } catch (ValidationException e) {
      ctx.status(422);
      renderEdit(ctx, visit, ws, a, new Form(typed, Web.errors(e), List.of()));
      return;
    }
    pages.redirect(ctx, "/w/" + ws.id() + "/auth-clients/" + a.id() + "?notice=saved");
  }

  private void delete(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    AuthClient a = pages.services().authClients().usableIn(ws, ctx.pathParam("id"), "auth_client");
    try {
      pages.services().authClients().delete(visit.caller(), a.id());
    } catch (ConflictException e) {
      ctx.status(409);
      renderEdit(
          ctx, visit, ws, a, new Form(Map.of("name", a.name()), Map.of(), List.of(e.getMessage())));
      return;
    }
    pages.redirect(ctx, "/w/" + ws.id() + "/auth-clients?notice=deleted");
  }
}
