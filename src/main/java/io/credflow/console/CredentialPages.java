package io.credflow.console;

import static io.credflow.console.Web.params;

import io.credflow.authclient.ApiKeySettings;
import io.credflow.authclient.AuthClient;
import io.credflow.authclient.AuthClientService;
import io.credflow.authclient.OAuthSettings;
import io.credflow.authclient.SettingsParser;
import io.credflow.common.Page;
import io.credflow.common.ValidationException;
import io.credflow.component.AuthClientType;
import io.credflow.component.Component;
import io.credflow.console.view.Choice;
import io.credflow.console.view.ClientChoice;
import io.credflow.console.view.ComponentCard;
import io.credflow.console.view.CredentialForm;
import io.credflow.console.view.CredentialPage;
import io.credflow.console.view.CredentialRow;
import io.credflow.console.view.ExpiryBanner;
import io.credflow.console.view.Form;
import io.credflow.console.view.Shell;
import io.credflow.console.view.Shell.Crumb;
import io.credflow.credential.Authorization;
import io.credflow.credential.Credential;
import io.credflow.credential.CredentialInput;
import io.credflow.credential.CredentialInputParser;
import io.credflow.credential.CredentialRepository;
import io.credflow.credential.CredentialService;
import io.credflow.credential.Expiries;
import io.credflow.credential.ExpiryWatch;
import io.credflow.credential.RefreshResult;
import io.credflow.credential.Verification;
import io.credflow.tenancy.Level;
import io.credflow.tenancy.Workspace;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials > component: the grid of components, one component's credentials, the credential form
 * (without OAuth2's round trip, which {@link AuthenticatePages} runs) and a credential's page with
 * Refresh now, Verify, Reconnect and Delete.
 */
final class CredentialPages {
  static final String BASE = "/w/{ws}/credentials";

  /** Every field of the credential form, in order: error spans are swapped for each. */
  static final List<String> FIELDS =
      List.of(
          "name",
          "auth_client",
          "credentials/username",
          "credentials/password",
          "header_name",
          "credentials/value");

  private final ConsolePages pages;

  CredentialPages(ConsolePages pages) {
    this.pages = pages;
  }

  void register(RoutesConfig routes) {
    Web web = pages.web();
    routes.get(BASE, web.signedIn(this::grid));
    routes.get(BASE + "/c/{component}", web.signedIn(this::list));
    routes.get(BASE + "/c/{component}/new", web.signedIn(this::newForm));
    routes.post(BASE + "/c/{component}/new", web.signedIn(this::create));
    routes.get(BASE + "/c/{component}/auth-client", web.signedIn(this::newClientForm));
    routes.post(BASE + "/c/{component}/auth-client", web.signedIn(this::createClient));
    routes.get(BASE + "/{id}", web.signedIn(this::show));
    routes.get(BASE + "/{id}/edit", web.signedIn(this::editForm));
    routes.post(BASE + "/{id}/edit", web.signedIn(this::update));
    routes.post(BASE + "/{id}/refresh", web.signedIn(this::refresh));
    routes.post(BASE + "/{id}/verify", web.signedIn(this::verify));
    routes.post(BASE + "/{id}/delete", web.signedIn(this::delete));
  }

  private void grid(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    Map<String, Integer> counts =
        pages.services().credentials().countByComponent(visit.caller(), ws.id());
    List<ComponentCard> cards = new ArrayList<>();
    for (Component c : pages.usableComponents(visit, ws)) {
      cards.add(
          new ComponentCard(
              c.id(),
              c.name(),
              c.descriptor().authClientTypes().stream()
                  .map(t -> Labels.type(t, Optional.of(c)))
                  .distinct()
                  .toList(),
              counts.getOrDefault(c.id(), 0)));
    }
    pages.render(
        ctx,
        "credentials/grid.jte",
        pages.shell(
            ctx, visit, ws, "credentials", "Credentials", List.of(Crumb.here("Credentials"))),
        params("cards", cards, "expiries", banner(visit, ws)));
  }

  /** The banner of what in the workspace expires soon that no refresh renews. */
  private ExpiryBanner banner(Visit visit, Workspace ws) {
    CredentialService credentials = pages.services().credentials();
    List<ExpiryWatch.Expiring> expiring = credentials.expiring(visit.caller(), ws.id());
    if (expiring.isEmpty()) {
      return ExpiryBanner.NONE;
    }
    String base = "/w/" + ws.id();
    long distinct = expiring.stream().map(ExpiryWatch.Expiring::credentialId).distinct().count();
    String summary =
        distinct
            + (distinct == 1 ? " credential expires" : " credentials expire")
            + " within "
            + days(credentials.expiryWarning())
            + ":";
    List<ExpiryBanner.Item> items =
        expiring.stream()
            .map(
                e ->
                    item(
                        e.credentialName(),
                        base + "/credentials/" + e.credentialId(),
                        e.kind(),
                        e.expiresAt(),
                        e.authClientId(),
                        base))
            .toList();
    return new ExpiryBanner(summary, items);
  }

  /** The line of one credential's page: what of it expires soon. */
  private ExpiryBanner banner(CredentialService.View view, String base) {
    Credential c = view.credential();
    java.time.Duration warning = pages.services().credentials().expiryWarning();
    java.time.Instant horizon = pages.now().plus(warning);
    List<ExpiryBanner.Item> items = new ArrayList<>();
    String href = base + "/credentials/" + c.id();
    view.expiry()
        .refreshTokenExpiresAt()
        .filter(e -> e.isBefore(horizon))
        .ifPresent(
            e ->
                items.add(
                    item(c.name(), href, Expiries.Kind.REFRESH_TOKEN, e, Optional.empty(), base)));
    view.expiry()
        .clientSecretExpiresAt()
        .filter(e -> e.isBefore(horizon))
        .ifPresent(
            e ->
                items.add(
                    item(
                        c.name(),
                        href,
                        Expiries.Kind.CLIENT_SECRET,
                        e,
                        Optional.of(c.authClientId()),
                        base)));
    if (items.isEmpty() && view.expiry().expiringSoon() && c.expiresAt().isPresent()) {
      // Neither of the above: an Instagram token whose renewal failed.
      items.add(
          item(
              c.name(),
              href,
              Expiries.Kind.ACCESS_TOKEN,
              c.expiresAt().get(),
              Optional.empty(),
              base));
    }
    return items.isEmpty()
        ? ExpiryBanner.NONE
        : new ExpiryBanner("Expiring within " + days(warning) + ":", items);
  }

  private ExpiryBanner.Item item(
      String name,
      String href,
      Expiries.Kind kind,
      java.time.Instant expiresAt,
      Optional<String> authClientId,
      String base) {
    java.time.Instant now = pages.now();
    String when =
        (expiresAt.isAfter(now) ? " expires " : " expired ")
            + Labels.when(expiresAt)
            + " ("
            + Labels.relative(expiresAt, now)
            + ")";
    return switch (kind) {
      case REFRESH_TOKEN ->
          new ExpiryBanner.Item(
              name,
              href,
              "its refresh token" + when,
              "Reconnect it before then.",
              Optional.empty(),
              Optional.empty());
      case ACCESS_TOKEN ->
          new ExpiryBanner.Item(
              name,
              href,
              "its Instagram token" + when + ", and renewing it has failed",
              "Reconnect it before then.",
              Optional.empty(),
              Optional.empty());
      case CLIENT_SECRET ->
          new ExpiryBanner.Item(
              name,
              href,
              "the client secret of its auth-client" + when,
              "Replace the client secret on the auth-client, with its new expiry date.",
              Optional.of("Edit the auth-client"),
              authClientId.map(a -> base + "/auth-clients/" + a));
    };
  }

  private static String days(java.time.Duration warning) {
    long d = warning.toDays();
    return d == 1 ? "1 day" : d + " days";
  }

  private void list(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    Component component = pages.component(ctx, visit, ws);
    String query = Optional.ofNullable(ctx.queryParam("q")).orElse("").trim();
    List<CredentialRow> rows = rows(visit, ws, component, query);
    if (ctx.header("HX-Request") != null && ctx.header("HX-Target") != null) {
      pages.web().render(ctx, "credentials/rows.jte", params("rows", rows, "query", query));
      return;
    }
    pages.render(
        ctx,
        "credentials/list.jte",
        pages.shell(
            ctx,
            visit,
            ws,
            "credentials",
            component.name() + " credentials",
            List.of(
                Crumb.link("Credentials", "/w/" + ws.id() + "/credentials"),
                Crumb.here(component.name()))),
        params(
            "component", component, "rows", rows, "query", query, "expiries", banner(visit, ws)));
  }

  private List<CredentialRow> rows(Visit visit, Workspace ws, Component component, String query) {
    String q = query.toLowerCase(Locale.ROOT);
    return all(visit, ws, Optional.of(component.id())).stream()
        .filter(c -> q.isEmpty() || c.name().toLowerCase(Locale.ROOT).contains(q))
        .map(c -> Labels.row(c, Optional.of(component), pages.now(), "/w/" + ws.id()))
        .toList();
  }

  private List<Credential> all(Visit visit, Workspace ws, Optional<String> componentId) {
    CredentialRepository.Filter filter =
        new CredentialRepository.Filter(componentId, Optional.empty(), Optional.empty());
    return Page.all(
        page ->
            pages
                .services()
                .credentials()
                .list(visit.caller(), ws.id(), filter, page)
                .map(CredentialService.View::credential));
  }

  private void newForm(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    Component component = pages.component(ctx, visit, ws);
    AuthClientType type = chosenType(ctx.queryParam("type"), component);
    Map<String, String> values = new LinkedHashMap<>();
    Optional.ofNullable(ctx.queryParam("auth_client")).ifPresent(a -> values.put("auth_client", a));
    renderForm(ctx, visit, ws, component, type, Optional.empty(), Form.of(values));
  }

  private AuthClientType chosenType(String wanted, Component component) {
    List<AuthClientType> accepted = component.descriptor().authClientTypes();
    return accepted.stream()
        .filter(t -> t.wireName().equals(wanted))
        .findFirst()
        .orElse(accepted.get(0));
  }

  void renderForm(
      Context ctx,
      Visit visit,
      Workspace ws,
      Component component,
      AuthClientType type,
      Optional<Credential> editing,
      Form form) {
    List<Choice> types =
        component.descriptor().authClientTypes().stream()
            .map(t -> new Choice(t.wireName(), Labels.type(t, Optional.of(component)), t == type))
            .toList();
    List<AuthClient> clients = clientsOf(visit, ws, component, type);
    String selected =
        editing
            .map(Credential::authClientId)
            .orElseGet(
                () ->
                    form.values().containsKey("auth_client")
                        ? form.value("auth_client")
                        : clients.size() == 1 ? clients.get(0).id() : "");
    List<ClientChoice> choices =
        clients.stream().map(a -> Labels.client(a, a.id().equals(selected))).toList();
    String base = "/w/" + ws.id();
    String title =
        editing.map(c -> "Edit " + c.name()).orElse("Add New Credential · " + component.name());
    List<Crumb> crumbs = new ArrayList<>();
    crumbs.add(Crumb.link("Credentials", base + "/credentials"));
    crumbs.add(Crumb.link(component.name(), base + "/credentials/c/" + component.id()));
    editing.ifPresent(c -> crumbs.add(Crumb.link(c.name(), base + "/credentials/" + c.id())));
    crumbs.add(Crumb.here(editing.isPresent() ? "Edit" : "Add New Credential"));
    CredentialForm view =
        new CredentialForm(
            component.id(),
            component.name(),
            types,
            type.wireName(),
            editing.map(c -> Labels.row(c, Optional.of(component), pages.now(), base)),
            form,
            choices,
            pages.services().authorizations().redirectUri().toString(),
            String.join(", ", component.descriptor().scopes()),
            visit.caller().isAdminAt(ws.location()));
    // Opened from the flow designer's "+": the form alone, inline, and back there once saved.
    Optional<String> returnTo = returnTo(ctx, ws);
    Shell shell = pages.shell(ctx, visit, ws, "credentials", title, crumbs);
    if (returnTo.isPresent()
        && ctx.queryParam("inline") != null
        && ctx.header("HX-Request") != null
        && "GET".equals(ctx.method().name())) {
      pages
          .web()
          .render(
              ctx,
              "credentials/form-body.jte",
              params("shell", shell, "view", view, "returnTo", returnTo, "inline", true));
      return;
    }
    pages.render(ctx, "credentials/form.jte", shell, params("view", view, "returnTo", returnTo));
  }

  /** Where the flow designer asked to go back to, if it is one of its pages in {@code ws}. */
  static Optional<String> returnTo(Context ctx, Workspace ws) {
    String wanted =
        Optional.ofNullable(ctx.queryParam("return")).orElseGet(() -> ctx.formParam("return"));
    return FlowViews.designerPage(ws, wanted);
  }

  /** The auth-clients of {@code type} this workspace may use with {@code component}. */
  List<AuthClient> clientsOf(Visit visit, Workspace ws, Component component, AuthClientType type) {
    AuthClientService.Filter filter =
        new AuthClientService.Filter(
            Optional.of(ws.id()), Optional.of(component.id()), Optional.of(type));
    return Page.all(page -> pages.services().authClients().list(visit.caller(), filter, page));
  }

  private void create(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    Component component = pages.component(ctx, visit, ws);
    AuthClientType type = chosenType(ctx.formParam("type"), component);
    Map<String, String> typed =
        Web.fields(ctx, List.of("name", "auth_client", "credentials/username", "header_name"));
    boolean verifyOnly = "verify".equals(ctx.formParam("action"));
    CredentialService credentials = pages.services().credentials();
    Credential created;
    try {
      String authClientId = clientFor(ctx, visit, ws, component, type);
      Map<String, Object> secrets = secretsOf(ctx, type);
      created =
          credentials
              .create(
                  visit.caller(),
                  ws.id(),
                  new CredentialService.NewCredential(
                      ctx.formParam("name") == null ? "" : ctx.formParam("name"),
                      authClientId,
                      Optional.of(component.id()),
                      reading(secrets)))
              .credential();
    } catch (ValidationException e) {
      formProblem(
          ctx, visit, ws, component, type, Optional.empty(), typed, Web.errors(e), List.of());
      return;
    }
    String id = created.id();
    // Verify checks without keeping; Save keeps only what works when there is a way to check.
    Optional<Verification> checked =
        verifyOnly || pages.hasVerifyRequest(created)
            ? Optional.of(
                pages.services().verifications().verify(visit.caller(), ws.id(), id).verification())
            : Optional.empty();
    if (verifyOnly || checked.filter(v -> !v.ok()).isPresent()) {
      credentials.delete(visit.caller(), ws.id(), id);
      Verification v = checked.orElseThrow();
      if (v.ok()) {
        formResult(ctx, visit, ws, component, type, typed, "These credentials work: " + v.detail());
      } else {
        formProblem(
            ctx,
            visit,
            ws,
            component,
            type,
            Optional.empty(),
            typed,
            Map.of(),
            List.of("Not saved: the check failed: " + v.detail()));
      }
      return;
    }
    Optional<String> back = returnTo(ctx, ws);
    pages.redirect(
        ctx,
        back.map(b -> b + "?credential=" + id + "&notice=credential_saved")
            .orElse("/w/" + ws.id() + "/credentials/" + id + "?notice=saved"));
  }

  /**
   * The auth-client a basic, API key or no-auth credential is made with: the one chosen, else the
   * one of that type (and header) this workspace may use with the component, else a new one of the
   * workspace, as the seed's form does not ask for one.
   */
  private String clientFor(
      Context ctx, Visit visit, Workspace ws, Component component, AuthClientType type) {
    String chosen = ctx.formParam("auth_client");
    if (chosen != null && !chosen.isBlank()) {
      return chosen;
    }
    if (type == AuthClientType.OAUTH2 || type == AuthClientType.OAUTH2_INSTAGRAM) {
      throw new ValidationException(
          "auth_client", "missing_member", "choose an auth client, or add a new one");
    }
    List<AuthClient> usable = clientsOf(visit, ws, component, type);
    String header = Optional.ofNullable(ctx.formParam("header_name")).orElse("").trim();
    if (type == AuthClientType.API_KEY) {
      if (header.isEmpty()) {
        throw new ValidationException(
            "header_name", "missing_member", "Header Name is required, e.g. X-API-Key");
      }
      usable =
          usable.stream()
              .filter(
                  a ->
                      a.settings() instanceof ApiKeySettings s
                          && s.name().equalsIgnoreCase(header)
                          && s.in() == ApiKeySettings.Placement.HEADER)
              .toList();
    }
    if (!usable.isEmpty()) {
      return usable.get(0).id();
    }
    Map<String, Object> settings = new LinkedHashMap<>();
    if (type == AuthClientType.API_KEY) {
      settings.put("name", header);
      settings.put("in", "header");
    }
    try {
      return pages
          .services()
          .authClients()
          .create(
              visit.caller(),
              new AuthClientService.NewAuthClient(
                  component.name() + " " + Labels.type(type, Optional.of(component)),
                  SettingsParser.parse(type, settings, "credentials"),
                  List.of(component.id()),
                  Optional.of(Level.WORKSPACE),
                  Optional.of(ws.id())))
          .authClient()
          .id();
    } catch (ValidationException e) {
      List<io.credflow.common.Violation> moved = new ArrayList<>();
      for (var v : e.violations()) {
        moved.add(
            new io.credflow.common.Violation(
                v.field().equals("credentials/name") ? "header_name" : "auth_client",
                v.code(),
                v.detail()));
      }
      throw new ValidationException(moved);
    }
  }

  /** A basic credential's user name (not a secret), for its edit form. */
  private static Optional<String> storedUsername(Credential c) {
    return c.secrets() instanceof io.credflow.credential.CredentialSecrets.Basic b
        ? Optional.of(b.username())
        : Optional.empty();
  }

  /** The secret members the form carries for {@code type}, under their API names. */
  private static Map<String, Object> secretsOf(Context ctx, AuthClientType type) {
    Map<String, Object> secrets = new LinkedHashMap<>();
    switch (type) {
      case BASIC -> {
        AuthClientForms.put(secrets, "username", ctx.formParam("credentials/username"));
        AuthClientForms.putSecret(secrets, "password", ctx.formParam("credentials/password"));
      }
      case API_KEY ->
          AuthClientForms.putSecret(secrets, "value", ctx.formParam("credentials/value"));
      default -> {}
    }
    return secrets;
  }

  private static CredentialInput.Source reading(Map<String, Object> secrets) {
    return (settings, storedUsername) ->
        CredentialInputParser.parse(secrets, "credentials", settings, storedUsername);
  }

  /**
   * Shows what is wrong: a fragment request (the form stays as typed in the browser, passwords
   * included) gets the problems and each field's message; a plain post gets the form again, with
   * what was typed but the secrets.
   */
  private void formProblem(
      Context ctx,
      Visit visit,
      Workspace ws,
      Component component,
      AuthClientType type,
      Optional<Credential> editing,
      Map<String, String> typed,
      Map<String, String> errors,
      List<String> problems) {
    Form form = new Form(typed, errors, problems);
    ctx.status(422);
    if (ctx.header("HX-Request") != null) {
      pages
          .web()
          .render(
              ctx, "credentials/form-result.jte", params("form", form, "fields", FIELDS, "ok", ""));
      return;
    }
    renderForm(ctx, visit, ws, component, type, editing, form);
  }

  private void formResult(
      Context ctx,
      Visit visit,
      Workspace ws,
      Component component,
      AuthClientType type,
      Map<String, String> typed,
      String message) {
    if (ctx.header("HX-Request") != null) {
      pages
          .web()
          .render(
              ctx,
              "credentials/form-result.jte",
              params("form", Form.of(typed), "fields", FIELDS, "ok", message));
      return;
    }
    renderForm(
        ctx,
        visit,
        ws,
        component,
        type,
        Optional.empty(),
        new Form(typed, Map.of(), List.of(message)));
  }

  private void show(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    CredentialService.View view =
        pages.services().credentials().get(visit.caller(), ws.id(), ctx.pathParam("id"));
    renderPage(ctx, visit, ws, view, Optional.empty());
  }

  void renderPage(
      Context ctx,
      Visit visit,
      Workspace ws,
      CredentialService.View view,
      Optional<String> outcome) {
    renderPage(ctx, visit, ws, view, outcome, Optional.empty());
  }

  void renderPage(
      Context ctx,
      Visit visit,
      Workspace ws,
      CredentialService.View view,
      Optional<String> outcome,
      Optional<String> problem) {
    Credential c = view.credential();
    Optional<Component> component = pages.services().components().findUnchecked(c.componentId());
    Optional<AuthClient> client = pages.services().authClients().findUnchecked(c.authClientId());
    String base = "/w/" + ws.id();
    List<CredentialPage.Line> events =
        pages
            .services()
            .credentials()
            .latestEvents(visit.caller(), ws.id(), Optional.of(c.id()), 100)
            .stream()
            .map(e -> new CredentialPage.Line(Labels.when(e.at()), e.type(), e.detail()))
            .toList();
    List<CredentialPage.Line> audit =
        pages.services().auditOf().apply(c.id()).stream()
            .sorted((a, b) -> b.at().compareTo(a.at()))
            .limit(100)
            .map(
                r ->
                    new CredentialPage.Line(
                        Labels.when(r.at()),
                        r.action() + (r.uses() > 1 ? " ×" + r.uses() : ""),
                        "by "
                            + r.actor().email().orElse("user " + r.actor().id())
                            + r.origin().clientAddress().map(a -> " from " + a).orElse("")
                            + r.origin().reason().map(why -> ": " + why).orElse("")))
            .toList();
    Optional<Verification> last = c.lastVerification();
    String componentName = component.map(Component::name).orElse(c.componentId());
    pages.render(
        ctx,
        "credentials/show.jte",
        pages.shell(
            ctx,
            visit,
            ws,
            "credentials",
            c.name(),
            List.of(
                Crumb.link("Credentials", base + "/credentials"),
                Crumb.link(componentName, base + "/credentials/c/" + c.componentId()),
                Crumb.here(c.name()))),
        params(
            "view",
            new CredentialPage(
                Labels.row(c, component, pages.now(), base),
                c.componentId(),
                componentName,
                c.authClientId(),
                client.map(AuthClient::name).orElse(c.authClientId()),
                header(view.authorization()),
                c.scope().or(() -> requestedScopes(client, component)),
                c.hasRefreshToken(),
                c.type() == AuthClientType.OAUTH2 || c.type() == AuthClientType.OAUTH2_INSTAGRAM,
                last.map(v -> Labels.when(v.checkedAt()) + ": " + v.detail()),
                last.map(Verification::ok),
                events,
                audit,
                pages.services().flows().flowsUsing(visit.caller(), ws.id(), c.id()).stream()
                    .map(
                        u ->
                            new CredentialPage.FlowUse(
                                u.name(), u.status().wireName(), base + "/flows/" + u.id()))
                    .toList(),
                outcome,
                problem,
                view.expiry().refreshTokenExpiresAt().map(Labels::when),
                view.expiry().clientSecretExpiresAt().map(Labels::when)),
            "expiry",
            banner(view, base)));
  }

  /**
   * The scopes asked for (the auth-client's, else the component's), shown as granted when the
   * provider named none: RFC 6749 then means the requested ones.
   */
  private static Optional<String> requestedScopes(
      Optional<AuthClient> client, Optional<Component> component) {
    List<String> requested =
        client
            .filter(a -> a.settings() instanceof OAuthSettings)
            .map(a -> ((OAuthSettings) a.settings()).scopes())
            .flatMap(own -> own)
            .or(() -> component.map(x -> x.descriptor().scopes()))
            .orElse(List.of());
    return requested.isEmpty()
        ? Optional.empty()
        : Optional.of(String.join(" ", requested) + " (as requested: the provider named none)");
  }

  /** The authorization a request carries, its secret masked. */
  private static String header(Authorization a) {
    return switch (a) {
      case Authorization.None n -> "none (requests carry no authorization)";
      case Authorization.Header h -> h.name() + ": " + h.maskedValue();
      case Authorization.QueryParameter q -> "query parameter " + q.name() + "=********";
    };
  }

  private void editForm(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    Credential c =
        pages
            .services()
            .credentials()
            .get(visit.caller(), ws.id(), ctx.pathParam("id"))
            .credential();
    Component component = pages.componentById(visit, ws, c.componentId());
    Map<String, String> values = new LinkedHashMap<>();
    values.put("name", c.name());
    storedUsername(c).ifPresent(u -> values.put("credentials/username", u));
    renderForm(ctx, visit, ws, component, c.type(), Optional.of(c), Form.of(values));
  }

  private void update(Context ctx, Visit visit) {
    if ("verify".equals(ctx.formParam("action"))) {
      verify(ctx, visit);
      return;
    }
    Workspace ws = pages.workspace(ctx, visit);
    CredentialService credentials = pages.services().credentials();
    Credential c = credentials.get(visit.caller(), ws.id(), ctx.pathParam("id")).credential();
    Component component = pages.componentById(visit, ws, c.componentId());
    Map<String, String> typed = Web.fields(ctx, List.of("name", "credentials/username"));
    Map<String, Object> secrets = secretsOf(ctx, c.type());
    if (c.type() == AuthClientType.BASIC && !secrets.containsKey("password")) {
      // The user name is kept with the password: an unchanged one is no change at all, a new one
      // needs the password again (it is never read back to fill in).
      if (secrets.containsKey("username")
          && !Optional.of(secrets.get("username")).equals(storedUsername(c).map(u -> (Object) u))) {
        formProblem(
            ctx,
            visit,
            ws,
            component,
            c.type(),
            Optional.of(c),
            typed,
            Map.of(
                "credentials/password",
                "type the password too, to change the user name (Credflow never shows it)"),
            List.of());
        return;
      }
      secrets.clear();
    }
    Optional<CredentialInput.Source> source =
        secrets.isEmpty() ? Optional.empty() : Optional.of(reading(secrets));
    try {
      credentials.update(
          visit.caller(),
          ws.id(),
          c.id(),
          new CredentialService.Change(Optional.ofNullable(ctx.formParam("name")), source));
    } catch (ValidationException e) {
      formProblem(
          ctx, visit, ws, component, c.type(), Optional.of(c), typed, Web.errors(e), List.of());
      return;
    }
    pages.redirect(ctx, "/w/" + ws.id() + "/credentials/" + c.id() + "?notice=saved");
  }

  private void refresh(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    String id = ctx.pathParam("id");
    CredentialService credentials = pages.services().credentials();
    CredentialService.View view;
    String outcome;
    try {
      var refreshed = credentials.refresh(visit.caller(), ws.id(), id);
      view = refreshed.view();
      outcome =
          refreshed.outcome() instanceof RefreshResult.Outcome.Refreshed
              ? "Refreshed: new tokens are stored."
              : "No refresh was needed: another refresh or a re-authentication was newer.";
    } catch (io.credflow.common.CredflowException e) {
      if (e instanceof io.credflow.common.NotFoundException
          || e instanceof io.credflow.common.ForbiddenException) {
        throw e;
      }
      view = credentials.get(visit.caller(), ws.id(), id);
      outcome = "Refresh failed: " + e.getMessage();
    }
    renderPage(ctx, visit, ws, view, Optional.of(outcome));
  }

  private void verify(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    String id = ctx.pathParam("id");
    var verified = pages.services().verifications().verify(visit.caller(), ws.id(), id);
    Verification v = verified.verification();
    renderPage(
        ctx,
        visit,
        ws,
        verified.view(),
        Optional.of((v.ok() ? "Verified: it works. " : "Verification failed: ") + v.detail()));
  }

  private void delete(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    String id = ctx.pathParam("id");
    CredentialService.View view = pages.services().credentials().get(visit.caller(), ws.id(), id);
    Credential c = view.credential();
    try {
      pages.services().credentials().delete(visit.caller(), ws.id(), id);
    } catch (io.credflow.common.ConflictException e) {
      // In use by an active flow: the page says which, instead of an error page.
      ctx.status(409);
      renderPage(
          ctx, visit, ws, view, Optional.empty(), Optional.of("Not deleted: " + e.getMessage()));
      return;
    }
    pages.redirect(ctx, "/w/" + ws.id() + "/credentials/c/" + c.componentId() + "?notice=deleted");
  }

  /** "Add New Auth Client" inside the credential form: the seed's fields, for this component. */
  private void newClientForm(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    Component component = pages.component(ctx, visit, ws);
    AuthClientType type = chosenType(ctx.queryParam("type"), component);
    renderClientForm(ctx, visit, ws, component, type, Form.empty());
  }

  private void renderClientForm(
      Context ctx, Visit visit, Workspace ws, Component component, AuthClientType type, Form form) {
    pages
        .web()
        .render(
            ctx,
            "authclients/inline.jte",
            params(
                "form",
                form,
                "type",
                type.wireName(),
                "owners",
                AuthClientForms.owners(visit, ws, form.values().getOrDefault("owner", "workspace")),
                "scopes",
                String.join(", ", component.descriptor().scopes()),
                "action",
                "/w/" + ws.id() + "/credentials/c/" + component.id() + "/auth-client",
                "csrf",
                visit.csrf(),
                "redirectUri",
                pages.services().authorizations().redirectUri().toString()));
  }

  private void createClient(Context ctx, Visit visit) {
    Workspace ws = pages.workspace(ctx, visit);
    Component component = pages.component(ctx, visit, ws);
    AuthClientType type = chosenType(ctx.formParam("type"), component);
    AuthClientService.Created created;
    try {
      created = AuthClientForms.create(pages, ctx, visit, ws, type, List.of(component.id()));
    } catch (ValidationException e) {
      ctx.status(422);
      renderClientForm(
          ctx,
          visit,
          ws,
          component,
          type,
          new Form(Web.fields(ctx, AuthClientForms.PLAIN), Web.errors(e), List.of()));
      return;
    }
    String id = created.authClient().id();
    pages
        .web()
        .render(
            ctx,
            "authclients/inline-created.jte",
            params(
                "name",
                created.authClient().name(),
                "clients",
                clientsOf(visit, ws, component, type).stream()
                    .map(a -> Labels.client(a, a.id().equals(id)))
                    .toList(),
                "warnings",
                created.warnings().stream().map(AuthClientService.Warning::detail).toList()));
  }
}
