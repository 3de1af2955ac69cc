package io.credflow.console;

import static io.credflow.console.Web.params;

import io.credflow.account.AccountService;
import io.credflow.common.PageRequest;
import io.credflow.common.Secret;
import io.credflow.common.ValidationException;
import io.credflow.console.view.Form;
import io.credflow.tenancy.Contract;
import io.credflow.tenancy.Tenant;
import io.credflow.tenancy.Workspace;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Signing in and out, the one-time setup links that set a password, and the start page (the first
 * workspace, or a global admin's form to create one).
 */
final class SignInPages {
  private final ConsolePages pages;

  SignInPages(ConsolePages pages) {
    this.pages = pages;
  }

  void register(RoutesConfig routes) {
    Web web = pages.web();
    routes.get("/", web.signedIn(this::start));
    routes.post("/start", web.signedIn(this::createWorkspace));
    routes.get("/signin", web.open(this::signInForm));
    routes.post("/signin", web.open(this::signIn));
    routes.post("/signout", web.signedIn(this::signOut));
    routes.get(AccountService.SETUP_PATH + "{token}", web.open(this::setupForm));
    routes.post(AccountService.SETUP_PATH + "{token}", web.open(this::setup));
  }

  private void start(Context ctx, Visit visit) {
    List<Workspace> workspaces =
        pages.services().tenancy().workspaces(visit.caller(), PageRequest.first(1)).items();
    if (!workspaces.isEmpty()) {
      ctx.redirect("/w/" + workspaces.get(0).id() + "/credentials", HttpStatus.SEE_OTHER);
      return;
    }
    renderStart(ctx, visit, Form.empty());
  }

  private void renderStart(Context ctx, Visit visit, Form form) {
    pages.render(
        ctx,
        "start.jte",
        pages.shell(ctx, visit, "start", "Welcome", List.of()),
        params("form", form, "globalAdmin", visit.caller().globalAdmin()));
  }

  /** A global admin's first tenant, contract and workspace, in one form. */
  private void createWorkspace(Context ctx, Visit visit) {
    Map<String, String> typed = Web.fields(ctx, List.of("tenant", "contract", "workspace"));
    var tenancy = pages.services().tenancy();
    try {
      Tenant tenant = tenancy.createTenant(visit.caller(), typed.getOrDefault("tenant", ""));
      Contract contract =
          tenancy.createContract(visit.caller(), tenant.id(), typed.getOrDefault("contract", ""));
      Workspace ws =
          tenancy.createWorkspace(
              visit.caller(), contract.id(), typed.getOrDefault("workspace", ""));
      ctx.redirect("/w/" + ws.id() + "/credentials?notice=created", HttpStatus.SEE_OTHER);
    } catch (ValidationException e) {
      ctx.status(422);
      renderStart(ctx, visit, new Form(typed, Map.of(), List.of(e.getMessage())));
    }
  }

  private void signInForm(Context ctx) {
    renderSignIn(ctx, "", Optional.empty());
  }

  private void renderSignIn(Context ctx, String email, Optional<String> problem) {
    pages
        .web()
        .render(
            ctx,
            "signin.jte",
            params(
                "csrf",
                pages.web().preSessionToken(ctx),
                "email",
                email,
                "next",
                safeNext(ctx.queryParam("next")),
                "problem",
                problem));
  }

  private void signIn(Context ctx) {
    String email = Optional.ofNullable(ctx.formParam("email")).orElse("").trim();
    if (!Web.preSessionMatches(ctx)) {
      ctx.status(403);
      renderSignIn(ctx, email, Optional.of("This form has expired: please sign in again."));
      return;
    }
    String remote = ctx.req().getRemoteAddr();
    List<String> forwarded = Collections.list(ctx.req().getHeaders("X-Forwarded-For"));
    Console.SignInLimit limit = pages.services().signInLimit();
    // Past the limit no password is even tried: guessing gets no faster for the right one.
    Optional<Duration> wait = limit.blocked(remote, forwarded);
    Optional<AccountService.SignedIn> signedIn = Optional.empty();
    if (wait.isEmpty()) {
      Secret password = Secret.of(Optional.ofNullable(ctx.formParam("password")).orElse(""));
      signedIn = pages.services().accounts().signIn(email, password, pages.web().origin(ctx));
      if (signedIn.isEmpty()) {
        wait = limit.failed(remote, forwarded);
      }
    }
    if (signedIn.isEmpty()) {
      ctx.status(wait.isPresent() ? 429 : 401);
      Optional<Duration> waited = wait;
      waited.ifPresent(w -> ctx.header("Retry-After", Long.toString(Math.max(1, w.toSeconds()))));
      renderSignIn(
          ctx,
          email,
          Optional.of(
              waited
                  .map(
                      w ->
                          "Too many failed sign-ins from your address: wait "
                              + Math.max(1, w.toSeconds())
                              + " s and try again.")
                  .orElse("The email or password is not right.")));
      return;
    }
    pages.web().setSessionCookie(ctx, signedIn.get().sessionToken(), AccountService.SESSION_MAX);
    ctx.redirect(safeNext(ctx.formParam("next")), HttpStatus.SEE_OTHER);
  }

  /** Only a path of this site: never another origin ({@code //host}, a scheme). */
  static String safeNext(String next) {
    if (next == null
        || !next.startsWith("/")
        || next.startsWith("//")
        || next.startsWith("/\\")
        || next.chars().anyMatch(c -> c < 0x20)) {
      return "/";
    }
    return next;
  }

  private void signOut(Context ctx, Visit visit) {
    pages.services().accounts().signOut(visit.sessionToken());
    pages.web().clearSessionCookie(ctx);
    ctx.redirect("/signin", HttpStatus.SEE_OTHER);
  }

  private void setupForm(Context ctx) {
    Secret token = Secret.of(ctx.pathParam("token"));
    Optional<AccountService.SetupLink> link = pages.services().accounts().setupLink(token);
    if (link.isEmpty()) {
      pages
          .web()
          .error(
              ctx,
              404,
              "This link has expired or was used",
              "A setup link works once, for 24 hours. Ask an admin for a new one.");
      return;
    }
    renderSetup(ctx, link.get(), Form.empty());
  }

  private void renderSetup(Context ctx, AccountService.SetupLink link, Form form) {
    pages
        .web()
        .render(
            ctx,
            "setup.jte",
            params(
                "csrf",
                pages.web().preSessionToken(ctx),
                "email",
                link.email(),
                "expires",
                Labels.when(link.expiresAt()),
                "form",
                form));
  }

  private void setup(Context ctx) {
    Secret token = Secret.of(ctx.pathParam("token"));
    AccountService accounts = pages.services().accounts();
    Optional<AccountService.SetupLink> link = accounts.setupLink(token);
    if (link.isEmpty()) {
      setupForm(ctx);
      return;
    }
    if (!Web.preSessionMatches(ctx)) {
      ctx.status(403);
      renderSetup(
          ctx,
          link.get(),
          new Form(Map.of(), Map.of(), List.of("This form has expired: send it again.")));
      return;
    }
    String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
    String confirm = Optional.ofNullable(ctx.formParam("confirm")).orElse("");
    if (!password.equals(confirm)) {
      ctx.status(422);
      renderSetup(
          ctx,
          link.get(),
          new Form(
              Map.of(),
              Map.of("confirm", "the two passwords differ: type the same twice"),
              List.of()));
      return;
    }
    AccountService.SignedIn signedIn;
    try {
      signedIn = accounts.completeSetup(token, Secret.of(password), pages.web().origin(ctx));
    } catch (ValidationException e) {
      ctx.status(422);
      renderSetup(ctx, link.get(), new Form(Map.of(), Web.errors(e), List.of()));
      return;
    }
    pages.web().setSessionCookie(ctx, signedIn.sessionToken(), AccountService.SESSION_MAX);
    ctx.redirect("/?notice=signed-in", HttpStatus.SEE_OTHER);
  }
}
