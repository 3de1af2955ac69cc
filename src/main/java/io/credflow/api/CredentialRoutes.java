package io.credflow.api;

import static io.credflow.api.Representations.single;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.authclient.VerifyRequest;
import io.credflow.common.ValidationException;
import io.credflow.credential.CredentialInput;
import io.credflow.credential.CredentialInputParser;
import io.credflow.credential.CredentialRepository;
import io.credflow.credential.CredentialService;
import io.credflow.credential.CredentialState;
import io.credflow.credential.RefreshResult;
import io.credflow.executor.RestApiAction;
import io.credflow.executor.VerifyService;
import io.credflow.flow.FlowService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Credentials under a workspace, and the audited release of their real authorization. */
final class CredentialRoutes {
  private static final String BASE = "/v2/workspaces/{ws}/credentials";
  private static final Set<String> ATTRIBUTES =
      Set.of("name", "credentials", CredentialService.VERIFY_REQUEST);

  private final CredentialService credentials;
  private final VerifyService verifications;
  private final FlowService flows;

  CredentialRoutes(CredentialService credentials, RestApiAction requests, FlowService flows) {
    this.credentials = credentials;
    this.verifications = new VerifyService(credentials, requests);
    this.flows = flows;
  }

  /** The credential's representation, with how many flows use it ({@code flow_count}). */
  private ObjectNode credential(CredentialService.View view) {
    String id = view.credential().id();
    return Representations.credential(view, flows.flowCounts(List.of(id)).getOrDefault(id, 0));
  }

  void register(RoutesConfig routes) {
    routes.post(BASE, this::create);
    routes.get(BASE, this::list);
    routes.get(
        BASE + "/{id}",
        ctx -> InWorkspace.answer(ctx, 200, "credential", credentials::get, this::credential));
    routes.patch(BASE + "/{id}", this::update);
    routes.delete(BASE + "/{id}", this::delete);
    routes.post(BASE + "/{id}/access", this::access);
    routes.post(BASE + "/{id}/refresh", this::refresh);
    routes.post(BASE + "/{id}/verify", this::verify);
    routes.get("/v2/workspaces/{ws}/events", this::events);
  }

  /**
   * {@code POST …/{id}/refresh}: the credential, with {@code meta.refresh} saying whether new
   * tokens came or none were needed; a refused grant, a refresh not possible yet and a provider
   * failure are errors that say so.
   */
  private void refresh(Context ctx) {
    Requests.allowQuery(ctx, Set.of());
    var refreshed =
        credentials.refresh(
            Requests.caller(ctx),
            Requests.id(ctx, "ws", "workspace"),
            Requests.id(ctx, "id", "credential"));
    ObjectNode doc = single(credential(refreshed.view()));
    ObjectNode refresh =
        doc.putObject("meta").putObject("refresh").put("outcome", refreshed.outcome().wireName());
    if (refreshed.outcome() instanceof RefreshResult.Outcome.NotNeeded n) {
      refresh.put("detail", "no refresh was needed: " + n.detail());
    }
    JsonApi.write(ctx, 200, doc);
  }

  /** {@code POST …/{id}/verify}: checks the credential works and answers how it went. */
  private void verify(Context ctx) {
    Requests.allowQuery(ctx, Set.of());
    String id = Requests.id(ctx, "id", "credential");
    var verified =
        verifications.verify(Requests.caller(ctx), Requests.id(ctx, "ws", "workspace"), id);
    JsonApi.write(ctx, 200, single(Representations.verification(id, verified.verification())));
  }

  private void events(Context ctx) {
    String ws = Requests.id(ctx, "ws", "workspace");
    Requests.allowQuery(ctx, Set.of("filter[credential]"));
    var page =
        credentials.events(
            Requests.caller(ctx),
            ws,
            Requests.queryId(ctx, "filter[credential]", "credential"),
            Requests.page(ctx));
    JsonApi.write(
        ctx,
        200,
        Representations.list(
            page,
            Representations::event,
            "/v2/workspaces/" + ws + "/events",
            TenancyRoutes.queryOf(ctx)));
  }

  private void create(Context ctx) {
    String ws = Requests.id(ctx, "ws", "workspace");
    Document doc = Document.read(ctx, "credential", ATTRIBUTES, Set.of("auth_client", "component"));
    doc.refuseClientId();
    Object secrets = doc.value("credentials", false).orElse(Map.of());
    var request =
        new CredentialService.NewCredential(
            doc.string("name", true).orElseThrow(),
            doc.toOne("auth_client", "auth-client", true).orElseThrow(),
            doc.toOne("component", "component", false),
            reading(secrets),
            doc.value(CredentialService.VERIFY_REQUEST, false)
                .map(CredentialRoutes::verifyRequest));
    var view = credentials.create(Requests.caller(ctx), ws, request);
    TenancyRoutes.created(
        ctx, "/v2/workspaces/" + ws + "/credentials/" + view.credential().id(), credential(view));
  }

  private void list(Context ctx) {
    String ws = Requests.id(ctx, "ws", "workspace");
    Requests.allowQuery(ctx, Set.of("filter[component]", "filter[auth_client]", "filter[state]"));
    Optional<CredentialState> state =
        Requests.query(ctx, "filter[state]")
            .map(
                s ->
                    CredentialState.fromWireName(s)
                        .orElseThrow(
                            () ->
                                ApiException.atParameter(
                                    400,
                                    "invalid_filter",
                                    "filter[state] must be ready, needs_reauth or error",
                                    "filter[state]")));
    var filter =
        new CredentialRepository.Filter(
            Requests.queryId(ctx, "filter[component]", "component"),
            Requests.queryId(ctx, "filter[auth_client]", "auth-client"),
            state);
    var page = credentials.list(Requests.caller(ctx), ws, filter, Requests.page(ctx));
    // One query counts the flows of the whole page.
    Map<String, Integer> counts =
        flows.flowCounts(page.items().stream().map(v -> v.credential().id()).toList());
    JsonApi.write(
        ctx,
        200,
        Representations.list(
            page,
            v -> Representations.credential(v, counts.getOrDefault(v.credential().id(), 0)),
            "/v2/workspaces/" + ws + "/credentials",
            TenancyRoutes.queryOf(ctx)));
  }

  private void update(Context ctx) {
    String ws = Requests.id(ctx, "ws", "workspace");
    String id = Requests.id(ctx, "id", "credential");
    Document doc = Document.read(ctx, "credential", ATTRIBUTES, Set.of());
    doc.requireIdMatching(id);
    Optional<String> name =
        doc.hasAttribute("name")
            ? Optional.of(doc.string("name", true).orElseThrow())
            : Optional.empty();
    Optional<CredentialInput.Source> secrets =
        doc.hasAttribute("credentials")
            ? doc.value("credentials", true).map(CredentialRoutes::reading)
            : Optional.empty();
    Optional<CredentialService.VerifyRequestEdit> verifyRequest =
        doc.hasAttribute(CredentialService.VERIFY_REQUEST)
            ? Optional.of(
                new CredentialService.VerifyRequestEdit(
                    doc.value(CredentialService.VERIFY_REQUEST, false)
                        .map(CredentialRoutes::verifyRequest)))
            : Optional.empty();
    var view =
        credentials.update(
            Requests.caller(ctx),
            ws,
            id,
            new CredentialService.Change(name, secrets, verifyRequest));
    JsonApi.write(ctx, 200, single(credential(view)));
  }

  /** The {@code verify_request} attribute: a request's reader, checked by the service. */
  private static VerifyRequest verifyRequest(Object value) {
    if (!(value instanceof Map<?, ?> reader)) {
      throw new ValidationException(
          CredentialService.VERIFY_REQUEST,
          "invalid_type",
          "verify_request must be an object (a request's reader, e.g. {\"method\":\"GET\","
              + "\"url\":\"https://api.example.com/me\"}), or null for the auth-client's");
    }
    Map<String, Object> members = new java.util.LinkedHashMap<>();
    reader.forEach((k, v) -> members.put(String.valueOf(k), v));
    return new VerifyRequest(members);
  }

  /** The {@code credentials} attribute, read when the service knows its auth-client's type. */
  private static CredentialInput.Source reading(Object secrets) {
    return (settings, storedUsername) ->
        CredentialInputParser.parse(secrets, "credentials", settings, storedUsername);
  }

  private void delete(Context ctx) {
    credentials.delete(
        Requests.caller(ctx),
        Requests.id(ctx, "ws", "workspace"),
        Requests.id(ctx, "id", "credential"));
    ctx.status(204);
  }

  /** {@code POST …/{id}/access}: an optional {@code reason} query parameter goes to the audit. */
  private void access(Context ctx) {
    Requests.allowQuery(ctx, Set.of(Requests.REASON));
    String reason = Requests.reason(ctx).orElse("access endpoint");
    var access =
        credentials.access(
            Requests.caller(ctx),
            Requests.id(ctx, "ws", "workspace"),
            Requests.id(ctx, "id", "credential"),
            reason);
    ObjectNode attrs = JsonApi.object();
    Representations.authorization(attrs, access.authorization(), true);
    Representations.put(attrs, "expires_at", access.expiresAt());
    ObjectNode resource = JsonApi.object();
    resource.put("type", "credential-access");
    resource.put("id", ctx.pathParam("id"));
    resource.set("attributes", attrs);
    ctx.header("Cache-Control", "no-store");
    JsonApi.write(ctx, 200, single(resource));
  }
}
