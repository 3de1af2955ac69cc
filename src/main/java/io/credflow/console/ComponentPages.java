package io.credflow.console;

import static io.credflow.console.Web.params;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.credflow.common.ConflictException;
import io.credflow.common.ValidationException;
import io.credflow.component.Component;
import io.credflow.component.Descriptor;
import io.credflow.component.DescriptorParser;
import io.credflow.console.view.ComponentRow;
import io.credflow.console.view.Form;
import io.credflow.console.view.Shell.Crumb;
import io.credflow.tenancy.Level;
import io.credflow.tenancy.Workspace;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Components: those this workspace can use; deploy one from its {@code component.json} (pasted or
 * uploaded) with the API's validation messages next to the field, rename or redescribe, delete.
 */
final class ComponentPages {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_DESCRIPTOR = 256 * 1024;

  private final ConsolePages pages;

  ComponentPages(ConsolePages pages) {
    this.pages = pages;
  }

  void register(RoutesConfig routes) {
    Web web = pages.web();
    routes.get("/w/{ws}/components", web.signedIn(this::list));
    routes.post("/w/{ws}/components", web.signedIn(this::create));
    routes.get("/w/{ws}/components/{component}", web.signedIn(this::show));
    routes.post("/w/{ws}/components/{component}", web.signedIn(this::update));
    routes.post("/w/{ws}/components/{component}/delete", web.signedIn(this::delete));
  }

  private void list(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    render(ctx, visit, ws, Form.empty());
  }

  private void render(Context ctx, Visit visit, Workspace ws, Form form) {
    List<ComponentRow> rows =
        pages.usableComponents(visit, ws).stream()
            .map(
                c ->
                    new ComponentRow(
                        c.id(),
                        c.name(),
                        c.deployedAt().level().wireName(),
                        c.descriptor().authClientTypes().stream()
                            .map(t -> Labels.type(t, Optional.of(c)))
                            .toList(),
                        "/w/" + ws.id() + "/components/" + c.id()))
            .toList();
    pages.render(
        ctx,
        "components/list.jte",
        pages.shell(ctx, visit, ws, "components", "Components", List.of(Crumb.here("Components"))),
        params("rows", rows, "form", form, "admin", visit.caller().isAdminAt(ws.location())));
  }

  /** The descriptor from the upload if one was chosen, else from the text area. */
  private static String descriptorText(Context ctx) throws IOException {
    UploadedFile file = ctx.uploadedFile("descriptor_file");
    if (file != null && file.size() > 0) {
      if (file.size() > MAX_DESCRIPTOR) {
        throw new ValidationException(
            "descriptor", "too_large", "component.json must be at most 256 KiB");
      }
      try (InputStream in = file.content()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
    return Optional.ofNullable(ctx.formParam("descriptor")).orElse("");
  }

  private static Descriptor parse(String text) {
    if (text.isBlank()) {
      throw new ValidationException(
          "descriptor", "missing_member", "paste the component.json, or choose its file");
    }
    Object tree;
    try {
      tree = JSON.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      throw new ValidationException(
          "descriptor",
          "invalid_json",
          "component.json is not valid JSON: "
              + e.getOriginalMessage()
              + (e.getLocation() == null
                  ? ""
                  : " (line "
                      + e.getLocation().getLineNr()
                      + ", column "
                      + e.getLocation().getColumnNr()
                      + ")"));
    }
    return DescriptorParser.parse(tree, "descriptor");
  }

  private void create(Context ctx, Visit visit) throws IOException {
    Workspace ws = pages.workspace(ctx, visit);
    Map<String, String> typed = new LinkedHashMap<>(Web.fields(ctx, List.of("name", "level")));
    try {
      String text = descriptorText(ctx);
      typed.put("descriptor", text);
      Level level = "tenant".equals(typed.get("level")) ? Level.TENANT : Level.WORKSPACE;
      Component c =
          pages
              .services()
              .components()
              .create(
                  visit.caller(),
                  typed.getOrDefault("name", ""),
                  level,
                  level == Level.TENANT ? ws.tenantId() : ws.id(),
                  parse(text));
      pages.redirect(ctx, "/w/" + ws.id() + "/components/" + c.id() + "?notice=created");
    } catch (ValidationException e) {
      ctx.status(422);
      render(ctx, visit, ws, new Form(typed, fieldErrors(e), List.of()));
    }
  }

  /** Problems inside the descriptor are shown at the descriptor field, each with its path. */
  private static Map<String, String> fieldErrors(ValidationException e) {
    Map<String, String> errors = new LinkedHashMap<>();
    for (var v : e.violations()) {
      String field = v.field().startsWith("descriptor") ? "descriptor" : v.field();
      String where = v.field().startsWith("descriptor/") ? v.field().substring(11) + ": " : "";
      errors.merge(field, where + v.detail(), (a, b) -> a + "; " + b);
    }
    return errors;
  }

  private void show(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    Component c = pages.component(ctx, visit, ws);
    Map<String, String> values = new LinkedHashMap<>();
    values.put("name", c.name());
    values.put("descriptor", pretty(c.descriptor()));
    renderShow(ctx, visit, ws, c, Form.of(values));
  }

  private static String pretty(Descriptor d) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(d.document());
    } catch (JsonProcessingException e) {
      return String.valueOf(d.document());
    }
  }

  private void renderShow(Context ctx, Visit visit, Workspace ws, Component c, Form form) {
    pages.render(
        ctx,
        "components/show.jte",
        pages.shell(
            ctx,
            visit,
            ws,
            "components",
            c.name(),
            List.of(
                Crumb.link("Components", "/w/" + ws.id() + "/components"), Crumb.here(c.name()))),
        params("component", c, "form", form, "admin", visit.caller().isAdminAt(c.deployedAt())));
  }

  private void update(Context ctx, Visit visit) throws IOException {
    Workspace ws = pages.workspace(ctx, visit);
    Component c = pages.component(ctx, visit, ws);
    Map<String, String> typed = new LinkedHashMap<>(Web.fields(ctx, List.of("name")));
    try {
      String text = descriptorText(ctx);
      typed.put("descriptor", text);
      pages
          .services()
          .components()
          .update(
              visit.caller(),
              c.id(),
              Optional.ofNullable(ctx.formParam("name")),
              Optional.of(parse(text)));
    } catch (ValidationException e) {
      ctx.status(422);
      renderShow(ctx, visit, ws, c, new Form(typed, fieldErrors(e), List.of()));
      return;
    }
    pages.redirect(ctx, "/w/" + ws.id() + "/components/" + c.id() + "?notice=saved");
  }

  private void delete(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    Component c = pages.component(ctx, visit, ws);
    try {
      pages.services().components().delete(visit.caller(), c.id());
    } catch (ConflictException e) {
      ctx.status(409);
      Map<String, String> values = new LinkedHashMap<>();
      values.put("name", c.name());
      values.put("descriptor", pretty(c.descriptor()));
      renderShow(ctx, visit, ws, c, new Form(values, Map.of(), List.of(e.getMessage())));
      return;
    }
    pages.redirect(ctx, "/w/" + ws.id() + "/components?notice=deleted");
  }
}
