package io.credflow.console;

import io.credflow.account.AccountService;
import io.credflow.audit.AuditRecord;
import io.credflow.authclient.AuthClientService;
import io.credflow.component.ComponentService;
import io.credflow.credential.CredentialService;
import io.credflow.executor.RestApiAction;
import io.credflow.executor.VerifyService;
import io.credflow.flow.FlowService;
import io.credflow.flow.RunService;
import io.credflow.oauth.AuthorizationService;
import io.credflow.tenancy.TenancyService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The browser console, served by the API's server at {@code /}: built once with {@link #create} and
 * registered with {@link #register}. Every page calls the same services as its API twin, so it has
 * the same access rules, and a resource the user cannot see is a 404 as it is there.
 */
public final class Console {
  /** What the console serves; {@code auditOf} lists a credential's audited releases. */
  public record Services(
      TenancyService tenancy,
      AccountService accounts,
      ComponentService components,
      AuthClientService authClients,
      CredentialService credentials,
      AuthorizationService authorizations,
      VerifyService verifications,
      FlowService flows,
      RunService runs,
      RestApiAction requests,
      Function<String, List<AuditRecord>> auditOf,
      SignInLimit signInLimit,
      Supplier<URI> publicUrl,
      Clock clock,
      io.credflow.webhook.WebhookService webhooks) {}

  /**
   * The failed-authentication limit, for sign-ins: a client is named by its address and the {@code
   * X-Forwarded-For} values it came with.
   */
  public interface SignInLimit {
    /** How long the client must wait before it may try a password again; counts nothing. */
    Optional<Duration> blocked(String remoteAddress, List<String> forwardedFor);

    /** Counts a failed sign-in; how long to wait when it is one too many. */
    Optional<Duration> failed(String remoteAddress, List<String> forwardedFor);

    /** The client's address as the limit counts it, for the audit trail; the peer by default. */
    default String clientAddress(String remoteAddress, List<String> forwardedFor) {
      return remoteAddress;
    }
  }

  private final Web web;
  private final List<Registrar> pages;

  private interface Registrar {
    void register(RoutesConfig routes);
  }

  private Console(Web web, List<Registrar> pages) {
    this.web = web;
    this.pages = pages;
  }

  public static Console create(Services services) {
    Web web =
        new Web(
            services.accounts(),
            new Templates(),
            () -> "https".equalsIgnoreCase(services.publicUrl().get().getScheme()),
            services.signInLimit());
    ConsolePages pages = new ConsolePages(services, web);
    CredentialPages credentials = new CredentialPages(pages);
    return new Console(
        web,
        List.of(
            new Assets()::register,
            new ReferencePage(web)::register,
            new SignInPages(pages)::register,
            credentials::register,
            new AuthenticatePages(pages, credentials)::register,
            new AuthClientPages(pages)::register,
            new ComponentPages(pages)::register,
            new WorkspacePages(pages)::register,
            new FlowPages(pages)::register,
            new RunPages(pages)::register,
            new EventPages(pages)::register,
            new WebhookPages(pages)::register,
            new KeyPages(pages)::register));
  }

  public void register(RoutesConfig routes) {
    pages.forEach(p -> p.register(routes));
  }

  /** Whether a console route answered this request with its own error page. */
  public boolean answered(io.javalin.http.Context ctx) {
    return ctx.attribute(Web.ANSWERED) != null;
  }

  /** The page a browser gets for a path that does not exist. */
  public Handler pageNotFound() {
    return ctx -> {
      Web.pageHeaders(ctx);
      web.error(ctx, 404, "Not found", "There is no page at " + ctx.path() + ".");
    };
  }
}
