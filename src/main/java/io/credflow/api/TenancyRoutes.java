package io.credflow.api;

import static io.credflow.api.Representations.single;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.tenancy.Caller;
import io.credflow.tenancy.Level;
import io.credflow.tenancy.Location;
import io.credflow.tenancy.Membership;
import io.credflow.tenancy.Role;
import io.credflow.tenancy.TenancyService;
import io.credflow.tenancy.Workspace;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Tenants, contracts, workspaces, users and members. */
final class TenancyRoutes {
  private static final Set<String> NAME_ONLY = Set.of("name");

  /** The relationships naming where a new user joins, at most one of them. */
  private static final List<String> NODES =
      java.util.Arrays.stream(Level.values()).map(Level::wireName).toList();

  private final TenancyService tenancy;

  TenancyRoutes(TenancyService tenancy) {
    this.tenancy = tenancy;
  }

  void register(RoutesConfig routes) {
    routes.post("/v2/tenants", this::createTenant);
    routes.get("/v2/tenants/{id}", this::getTenant);
    routes.post("/v2/contracts", this::createContract);
    routes.get("/v2/contracts/{id}", this::getContract);
    routes.post("/v2/workspaces", this::createWorkspace);
    routes.get("/v2/workspaces", this::listWorkspaces);
    routes.get("/v2/workspaces/{id}", this::getWorkspace);
    routes.post("/v2/users", this::createUser);
    routes.get("/v2/users/{id}", this::getUser);
    for (Level level : Level.values()) {
      String base = "/v2/" + level.wireName() + "s/{id}/members";
      routes.post(base, ctx -> addMember(ctx, level));
      routes.get(base, ctx -> listMembers(ctx, level));
      routes.delete(base + "/{user_id}", ctx -> removeMember(ctx, level));
    }
  }

  private void createTenant(Context ctx) {
    Document doc = Document.read(ctx, "tenant", NAME_ONLY, Set.of());
    doc.refuseClientId();
    var tenant = tenancy.createTenant(Requests.caller(ctx), doc.string("name", true).orElseThrow());
    created(ctx, "/v2/tenants/" + tenant.id(), Representations.tenant(tenant));
  }

  private void getTenant(Context ctx) {
    Requests.allowQuery(ctx, Set.of());
    var tenant = tenancy.tenant(Requests.caller(ctx), Requests.id(ctx, "id", "tenant"));
    JsonApi.write(ctx, 200, single(Representations.tenant(tenant)));
  }

  private void createContract(Context ctx) {
    Document doc = Document.read(ctx, "contract", NAME_ONLY, Set.of("tenant"));
    doc.refuseClientId();
    String tenantId = doc.toOne("tenant", "tenant", true).orElseThrow();
    var contract =
        tenancy.createContract(
            Requests.caller(ctx), tenantId, doc.string("name", true).orElseThrow());
    created(ctx, "/v2/contracts/" + contract.id(), Representations.contract(contract));
  }

  private void getContract(Context ctx) {
    Requests.allowQuery(ctx, Set.of());
    var contract = tenancy.contract(Requests.caller(ctx), Requests.id(ctx, "id", "contract"));
    JsonApi.write(ctx, 200, single(Representations.contract(contract)));
  }

  private void createWorkspace(Context ctx) {
    Document doc = Document.read(ctx, "workspace", NAME_ONLY, Set.of("contract"));
    doc.refuseClientId();
    String contractId = doc.toOne("contract", "contract", true).orElseThrow();
    Workspace ws =
        tenancy.createWorkspace(
            Requests.caller(ctx), contractId, doc.string("name", true).orElseThrow());
    created(ctx, "/v2/workspaces/" + ws.id(), Representations.workspace(ws));
  }

  private void listWorkspaces(Context ctx) {
    Requests.allowQuery(ctx, Set.of());
    var page = tenancy.workspaces(Requests.caller(ctx), Requests.page(ctx));
    JsonApi.write(
        ctx,
        200,
        Representations.list(page, Representations::workspace, "/v2/workspaces", queryOf(ctx)));
  }

  private void getWorkspace(Context ctx) {
    Requests.allowQuery(ctx, Set.of());
    Workspace ws = tenancy.workspace(Requests.caller(ctx), Requests.id(ctx, "id", "workspace"));
    JsonApi.write(ctx, 200, single(Representations.workspace(ws)));
  }

  private void createUser(Context ctx) {
    Document doc = Document.read(ctx, "user", Set.of("email", "role"), Set.copyOf(NODES));
    doc.refuseClientId();
    Caller caller = Requests.caller(ctx);
    String email = doc.string("email", true).orElseThrow();
    List<String> nodes = doc.presentRelationships(NODES);
    if (nodes.size() > 1) {
      throw ApiException.atPointer(
          422,
          "conflicting_relationships",
          "name one tenant, contract or workspace the new user joins; got " + nodes,
          Pointers.relationship(nodes.get(1)));
    }
    Optional<Level> level = nodes.stream().findFirst().flatMap(Level::fromWireName);
    Optional<Location> at =
        level.map(
            l ->
                tenancy.locate(
                    caller,
                    l,
                    doc.toOne(l.wireName(), l.wireName(), true).orElseThrow(),
                    l.wireName()));
    Role role = doc.string("role", false).map(TenancyRoutes::role).orElse(Role.MEMBER);
    if (at.isEmpty() && doc.string("role", false).isPresent()) {
      throw ApiException.atPointer(
          422,
          "role_without_node",
          "a role needs the tenant, contract or workspace where it applies (relationships)",
          Pointers.attribute("role"));
    }
    var created = tenancy.createUser(caller, email, at, role);
    ObjectNode document = single(Representations.user(created.user()));
    document.putObject("meta").put("api_key", created.apiKey().reveal());
    ctx.header("Location", "/v2/users/" + created.user().id());
    ctx.header("Cache-Control", "no-store");
    JsonApi.write(ctx, 201, document);
  }

  private static Role role(String name) {
    return Role.fromWireName(name)
        .orElseThrow(
            () ->
                ApiException.atPointer(
                    422,
                    "invalid_role",
                    "role must be \"admin\" or \"member\", was \"" + name + "\"",
                    Pointers.attribute("role")));
  }

  private void getUser(Context ctx) {
    Requests.allowQuery(ctx, Set.of());
    var user = tenancy.user(Requests.caller(ctx), Requests.id(ctx, "id", "user"));
    JsonApi.write(ctx, 200, single(Representations.user(user)));
  }

  private void addMember(Context ctx, Level level) {
    Caller caller = Requests.caller(ctx);
    Location at = tenancy.locate(caller, level, Requests.id(ctx, "id", level.wireName()));
    Document doc = Document.read(ctx, "member", Set.of("role"), Set.of("user"));
    doc.refuseClientId();
    Role role = role(doc.string("role", true).orElseThrow());
    String userId = doc.toOne("user", "user", true).orElseThrow();
    Membership m = tenancy.addMember(caller, at, userId, role);
    ctx.header("Location", ctx.path() + "/" + m.userId());
    JsonApi.write(ctx, 201, single(Representations.member(m)));
  }

  private void listMembers(Context ctx, Level level) {
    Requests.allowQuery(ctx, Set.of());
    Caller caller = Requests.caller(ctx);
    Location at = tenancy.locate(caller, level, Requests.id(ctx, "id", level.wireName()));
    List<Membership> members = tenancy.members(caller, at);
    ObjectNode doc = JsonApi.object();
    var data = doc.putArray("data");
    members.forEach(m -> data.add(Representations.member(m)));
    JsonApi.write(ctx, 200, doc);
  }

  private void removeMember(Context ctx, Level level) {
    Caller caller = Requests.caller(ctx);
    Location at = tenancy.locate(caller, level, Requests.id(ctx, "id", level.wireName()));
    tenancy.removeMember(caller, at, Requests.id(ctx, "user_id", "user"));
    ctx.status(204);
  }

  static void created(Context ctx, String location, ObjectNode resource) {
    ctx.header("Location", location);
    JsonApi.write(ctx, 201, single(resource));
  }

  static Map<String, String> queryOf(Context ctx) {
    Map<String, String> q = new LinkedHashMap<>();
    ctx.queryParamMap().forEach((k, v) -> q.put(k, v.get(0)));
    return q;
  }
}
