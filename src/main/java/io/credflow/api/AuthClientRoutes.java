package io.credflow.api;

import static io.credflow.api.Representations.single;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.authclient.AuthClient;
import io.credflow.authclient.AuthClientService;
import io.credflow.authclient.AuthClientSettings;
import io.credflow.authclient.SettingsParser;
import io.credflow.authclient.SettingsPatch;
import io.credflow.component.AuthClientType;
import io.credflow.tenancy.Level;
import io.credflow.tenancy.TenancyService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Auth-clients: the seed's body as it is, masked reads, PATCH rules, visibility by level. */
final class AuthClientRoutes {
  private static final Set<String> ATTRIBUTES = Set.of("type", "name", "credentials");
  private static final Set<String> RELATIONSHIPS =
      Set.of("components", "tenant", "contract", "workspace");
  private static final List<String> OWNERS = List.of("tenant", "contract", "workspace");

  private final AuthClientService authClients;

  AuthClientRoutes(AuthClientService authClients) {
    this.authClients = authClients;
  }

  void register(RoutesConfig routes) {
    routes.post("/v2/auth-clients", this::create);
    routes.get("/v2/auth-clients", this::list);
    routes.get("/v2/auth-clients/{id}", this::get);
    routes.patch("/v2/auth-clients/{id}", this::update);
    routes.delete("/v2/auth-clients/{id}", this::delete);
  }

  private void create(Context ctx) {
    Document doc = Document.read(ctx, "auth-client", ATTRIBUTES, RELATIONSHIPS);
    doc.refuseClientId();
    String type = doc.string("type", true).orElseThrow();
    String name = doc.string("name", true).orElseThrow();
    Object credentials = doc.value("credentials", false).orElse(java.util.Map.of());
    List<String> components = doc.toMany("components", "component", true).orElseThrow();
    List<String> owners = doc.presentRelationships(OWNERS);
    if (owners.size() > 1) {
      throw ApiException.atPointer(
          422,
          "conflicting_relationships",
          "name at most one owner among tenant, contract and workspace (none means component"
              + " level); got "
              + owners,
          Pointers.relationship(owners.get(1)));
    }
    Optional<Level> level = owners.stream().findFirst().flatMap(Level::fromWireName);
    Optional<String> ownerId = level.flatMap(l -> doc.toOne(l.wireName(), l.wireName(), true));
    // The name first, as the service checks it: a body with several faults names the same one.
    TenancyService.checkName(name);
    AuthClientSettings settings =
        SettingsParser.parse(SettingsParser.type(type, "type"), credentials, "credentials");
    AuthClientService.Created created =
        authClients.create(
            Requests.caller(ctx),
            new AuthClientService.NewAuthClient(name, settings, components, level, ownerId));
    ObjectNode document = single(Representations.authClient(created.authClient()));
    if (!created.warnings().isEmpty()) {
      ArrayNode warnings = document.putObject("meta").putArray("warnings");
      created
          .warnings()
          .forEach(
              w ->
                  warnings
                      .addObject()
                      .put("code", w.code())
                      .put("detail", w.detail())
                      .put("auth_client", w.authClientId()));
    }
    ctx.header("Location", "/v2/auth-clients/" + created.authClient().id());
    JsonApi.write(ctx, 201, document);
  }

  private void list(Context ctx) {
    Requests.allowQuery(ctx, Set.of("workspace_id", "filter[component]", "filter[type]"));
    Optional<AuthClientType> type =
        Requests.query(ctx, "filter[type]")
            .map(
                t ->
                    AuthClientType.fromWireName(t)
                        .orElseThrow(
                            () ->
                                ApiException.atParameter(
                                    400,
                                    "invalid_filter",
                                    "filter[type] must be one of " + AuthClientType.wireNames(),
                                    "filter[type]")));
    var filter =
        new AuthClientService.Filter(
            Requests.queryId(ctx, "workspace_id", "workspace"),
            Requests.queryId(ctx, "filter[component]", "component"),
            type);
    var page = authClients.list(Requests.caller(ctx), filter, Requests.page(ctx));
    JsonApi.write(
        ctx,
        200,
        Representations.list(
            page, Representations::authClient, "/v2/auth-clients", TenancyRoutes.queryOf(ctx)));
  }

  private void get(Context ctx) {
    Requests.allowQuery(ctx, Set.of());
    AuthClient a = authClients.get(Requests.caller(ctx), Requests.id(ctx, "id", "auth-client"));
    JsonApi.write(ctx, 200, single(Representations.authClient(a)));
  }

  private void update(Context ctx) {
    String id = Requests.id(ctx, "id", "auth-client");
    Document doc = Document.read(ctx, "auth-client", ATTRIBUTES, Set.of("components"));
    doc.requireIdMatching(id);
    Optional<String> type = doc.string("type", false);
    AuthClient current = authClients.get(Requests.caller(ctx), id);
    if (type.isPresent() && !type.get().equals(current.type().wireName())) {
      throw ApiException.atPointer(
          422,
          "immutable_type",
          "an auth-client's type never changes (it is "
              + current.type().wireName()
              + "): create a new auth-client instead",
          Pointers.attribute("type"));
    }
    Optional<String> name =
        doc.hasAttribute("name")
            ? Optional.of(doc.string("name", true).orElseThrow())
            : Optional.empty();
    Optional<SettingsPatch> settings =
        doc.hasAttribute("credentials")
            ? doc.value("credentials", true).map(tree -> SettingsPatch.parse(tree, "credentials"))
            : Optional.empty();
    var change =
        new AuthClientService.Change(name, settings, doc.toMany("components", "component", false));
    AuthClient updated = authClients.update(Requests.caller(ctx), id, change);
    JsonApi.write(ctx, 200, single(Representations.authClient(updated)));
  }

  private void delete(Context ctx) {
    authClients.delete(Requests.caller(ctx), Requests.id(ctx, "id", "auth-client"));
    ctx.status(204);
  }
}
