package io.credflow.api;

import static io.credflow.api.Representations.single;

import io.credflow.component.Component;
import io.credflow.component.ComponentService;
import io.credflow.component.Descriptor;
import io.credflow.component.DescriptorParser;
import io.credflow.tenancy.Level;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Components: deploy from a descriptor, read, change, remove. */
final class ComponentRoutes {
  private static final Set<String> ATTRIBUTES = Set.of("name", "descriptor");
  private static final Set<String> RELATIONSHIPS = Set.of("tenant", "workspace");

  private final ComponentService components;

  ComponentRoutes(ComponentService components) {
    this.components = components;
  }

  void register(RoutesConfig routes) {
    routes.post("/v2/components", this::create);
    routes.get("/v2/components", this::list);
    routes.get("/v2/components/{id}", this::get);
    routes.patch("/v2/components/{id}", this::update);
    routes.delete("/v2/components/{id}", this::delete);
  }

  private void create(Context ctx) {
    Document doc = Document.read(ctx, "component", ATTRIBUTES, RELATIONSHIPS);
    doc.refuseClientId();
    List<String> present = doc.presentRelationships(List.of("tenant", "workspace"));
    if (present.size() != 1) {
      throw ApiException.atPointer(
          422,
          present.isEmpty() ? "missing_relationship" : "conflicting_relationships",
          "name exactly one of relationships \"tenant\" or \"workspace\": where the component is"
              + " deployed",
          Pointers.RELATIONSHIPS);
    }
    Level level = present.get(0).equals("tenant") ? Level.TENANT : Level.WORKSPACE;
    String at = doc.toOne(level.wireName(), level.wireName(), true).orElseThrow();
    Component c =
        components.create(
            Requests.caller(ctx),
            doc.string("name", true).orElseThrow(),
            level,
            at,
            DescriptorParser.parse(doc.value("descriptor", true).orElseThrow(), "descriptor"));
    TenancyRoutes.created(ctx, "/v2/components/" + c.id(), Representations.component(c));
  }

  private void list(Context ctx) {
    Requests.allowQuery(ctx, Set.of());
    var page = components.list(Requests.caller(ctx), Requests.page(ctx));
    JsonApi.write(
        ctx,
        200,
        Representations.list(
            page, Representations::component, "/v2/components", TenancyRoutes.queryOf(ctx)));
  }

  private void get(Context ctx) {
    Requests.allowQuery(ctx, Set.of());
    Component c = components.get(Requests.caller(ctx), Requests.id(ctx, "id", "component"));
    JsonApi.write(ctx, 200, single(Representations.component(c)));
  }

  private void update(Context ctx) {
    String id = Requests.id(ctx, "id", "component");
    Document doc = Document.read(ctx, "component", ATTRIBUTES, Set.of());
    doc.requireIdMatching(id);
    Optional<String> name =
        doc.hasAttribute("name")
            ? Optional.of(doc.string("name", true).orElseThrow())
            : Optional.empty();
    Optional<Descriptor> descriptor =
        doc.hasAttribute("descriptor")
            ? doc.value("descriptor", true).map(tree -> DescriptorParser.parse(tree, "descriptor"))
            : Optional.empty();
    Component c = components.update(Requests.caller(ctx), id, name, descriptor);
    JsonApi.write(ctx, 200, single(Representations.component(c)));
  }

  private void delete(Context ctx) {
    components.delete(Requests.caller(ctx), Requests.id(ctx, "id", "component"));
    ctx.status(204);
  }
}
