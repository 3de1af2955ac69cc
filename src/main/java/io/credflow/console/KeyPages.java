package io.credflow.console;

import static io.credflow.console.Web.params;

import io.credflow.common.ValidationException;
import io.credflow.console.view.Form;
import io.credflow.console.view.KeyRow;
import io.credflow.console.view.Shell.Crumb;
import io.credflow.tenancy.ApiKey;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** API keys: the user's own keys for the API, created (shown once) and revoked here. */
final class KeyPages {
  private final ConsolePages pages;

  KeyPages(ConsolePages pages) {
    this.pages = pages;
  }

  void register(RoutesConfig routes) {
    Web web = pages.web();
    routes.get("/account/keys", web.signedIn(this::list));
    routes.post("/account/keys", web.signedIn(this::create));
    routes.post("/account/keys/{id}/revoke", web.signedIn(this::revoke));
  }

  private void list(Context ctx, Visit visit) {
    render(ctx, visit, Form.empty(), Optional.empty());
  }

  private void render(Context ctx, Visit visit, Form form, Optional<String> secret) {
    List<ApiKey> keys = pages.services().tenancy().apiKeys(visit.caller());
    pages.render(
        ctx,
        "account/keys.jte",
        pages.shell(ctx, visit, "keys", "API keys", List.of(Crumb.here("API keys"))),
        params(
            "keys",
            keys.stream()
                .map(
                    k ->
                        new KeyRow(
                            k.id(),
                            k.name(),
                            Labels.when(k.createdAt()),
                            k.revokedAt().map(Labels::when)))
                .toList(),
            "form",
            form,
            "secret",
            secret));
  }

  private void create(Context ctx, Visit visit) {
    Map<String, String> typed = Web.fields(ctx, List.of("name"));
    try {
      var created =
          pages.services().tenancy().createApiKey(visit.caller(), typed.getOrDefault("name", ""));
      render(ctx, visit, Form.empty(), Optional.of(created.secret().reveal()));
    } catch (ValidationException e) {
      ctx.status(422);
      render(ctx, visit, new Form(typed, Web.errors(e), List.of()), Optional.empty());
    }
  }

  private void revoke(Context ctx, Visit visit) {
    pages.services().tenancy().revokeApiKey(visit.caller(), ctx.pathParam("id"));
    pages.redirect(ctx, "/account/keys?notice=deleted");
  }
}
