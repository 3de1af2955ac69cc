package io.credflow.oauth;

import io.credflow.authclient.AuthClient;
import io.credflow.authclient.AuthClientService;
import io.credflow.authclient.InstagramSettings;
import io.credflow.authclient.OAuth2Settings;
import io.credflow.common.Secret;
import io.credflow.common.UpstreamException;
import io.credflow.common.ValidationException;
import io.credflow.component.Component;
import io.credflow.component.ComponentService;
import io.credflow.credential.CredentialSecrets;
import io.credflow.credential.CredentialService;
import io.credflow.credential.IssuedTokens;
import io.credflow.outbound.OutboundRefusedException;
import io.credflow.tenancy.Caller;
import io.credflow.tenancy.TenancyService;
import io.credflow.tenancy.Workspace;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The Authenticate round trip: starts an authorization (state, PKCE, authorize URL), takes the
 * provider's callback, and redeems the code for tokens exactly once, when the credential is saved
 * (or at the callback itself when the authorization named the credential to create).
 */
public final class AuthorizationService {
  /** A round trip must come back within this. */
  public static final Duration LIFETIME = Duration.ofMinutes(10);

  /** The one redirect URI to register at every provider, under the public URL. */
  public static final String CALLBACK_PATH = "/callback/oauth2";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String STATE_POINTER = "credentials/state";

  private final AuthorizationRepository repository;
  private final AuthClientService authClients;
  private final ComponentService components;
  private final TenancyService tenancy;
  private final TokenClient tokenClient;
  private final Supplier<CredentialService> credentials;
  private final Supplier<URI> publicUrl;
  private final Clock clock;

  public AuthorizationService(
      AuthorizationRepository repository,
      AuthClientService authClients,
      ComponentService components,
      TenancyService tenancy,
      TokenClient tokenClient,
      Supplier<CredentialService> credentials,
      Supplier<URI> publicUrl,
      Clock clock) {
    this.repository = repository;
    this.authClients = authClients;
    this.components = components;
    this.tenancy = tenancy;
    this.tokenClient = tokenClient;
    this.credentials = credentials;
    this.publicUrl = publicUrl;
    this.clock = clock;
  }

  /** {@code {public URL}/callback/oauth2}: the one redirect URI to register at providers. */
  public URI redirectUri() {
    return URI.create(publicUrl.get().toString().replaceAll("/+$", "") + CALLBACK_PATH);
  }

  /** A request to start a round trip, as named. */
  public record Start(
      String authClientId,
      Optional<String> componentId,
      Optional<String> credentialId,
      Optional<String> credentialName) {}

  /** A started round trip: where to send the browser, and the state that names it. */
  public record Started(URI authorizeUrl, Secret state, Instant expiresAt) {}

  public Started start(Caller caller, String workspaceId, Start request) {
    Workspace ws = tenancy.workspace(caller, workspaceId);
    AuthClient authClient = authClients.usableIn(ws, request.authClientId(), "auth_client");
    if (!authClient.type().isOAuth()) {
      throw new ValidationException(
          "auth_client",
          "not_oauth",
          "auth-client "
              + authClient.id()
              + " is "
              + authClient.type().wireName()
              + ": only oauth2 and oauth2_instagram auth-clients authenticate");
    }
    String componentId = chooseComponent(authClient, request.componentId(), ws);
    Component component = components.findUnchecked(componentId).orElseThrow();
    if (request.credentialId().isPresent()) {
      var existing = credentials.get().get(caller, ws.id(), request.credentialId().get());
      if (!existing.credential().authClientId().equals(authClient.id())) {
        throw new ValidationException(
            "credential",
            "auth_client_mismatch",
            "credential " + existing.credential().id() + " is made with another auth-client");
      }
    }
    Optional<String> name = request.credentialName().map(TenancyService::checkName);
    Secret state = newState();
    Instant now = clock.instant();
    Optional<Secret> verifier =
        authClient.settings() instanceof OAuth2Settings s && s.pkce()
            ? Optional.of(Pkce.newVerifier())
            : Optional.empty();
    PendingAuthorization pending =
        new PendingAuthorization(
            digest(state.reveal()),
            ws.id(),
            authClient.id(),
            componentId,
            caller.user().id(),
            request.credentialId(),
            name,
            redirectUri(),
            verifier,
            Optional.empty(),
            PendingAuthorization.Status.PENDING,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            now,
            now.plus(LIFETIME),
            now);
    repository.insert(pending);
    return new Started(
        authorizeUrl(authClient, component, state, verifier, pending), state, pending.expiresAt());
  }

  private static URI authorizeUrl(
      AuthClient authClient,
      Component component,
      Secret state,
      Optional<Secret> verifier,
      PendingAuthorization p) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("response_type", "code");
    URI base;
    switch (authClient.settings()) {
      case OAuth2Settings s -> {
        base = s.authUri();
        params.put("client_id", s.clientId());
        params.put("redirect_uri", p.redirectUri().toString());
        List<String> scopes = s.scopes().orElse(component.descriptor().scopes());
        if (!scopes.isEmpty()) {
          params.put("scope", String.join(" ", scopes));
        }
        params.put("state", state.reveal());
        verifier.ifPresent(
            v -> {
              params.put("code_challenge", Pkce.challenge(v));
              params.put("code_challenge_method", "S256");
            });
        s.extraAuthParams().forEach(params::putIfAbsent);
      }
      case InstagramSettings s -> {
        base = s.authUri();
        params.put("client_id", s.clientId());
        params.put("redirect_uri", p.redirectUri().toString());
        List<String> scopes = s.scopes().orElse(component.descriptor().scopes());
        if (!scopes.isEmpty()) {
          params.put("scope", String.join(",", scopes));
        }
        params.put("state", state.reveal());
      }
      default -> throw new IllegalStateException("not an OAuth auth-client: " + authClient.id());
    }
    String query =
        params.entrySet().stream()
            .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
            .collect(Collectors.joining("&"));
    String separator = base.getRawQuery() == null ? "?" : "&";
    return URI.create(base + separator + query);
  }

  /** What the callback found; {@code ok} false means nothing changed. */
  public record CallbackResult(
      boolean ok, String code, String message, Optional<String> credentialId) {}

  /**
   * The provider's redirect: verifies the state (exists, unexpired, unused), then records the code
   * (or the provider's error). A wrong, expired or reused state changes nothing.
   */
  public CallbackResult callback(
      Optional<String> state,
      Optional<String> code,
      Optional<String> error,
      Optional<String> errorDescription) {
    if (state.isEmpty() || state.get().isBlank()) {
      return new CallbackResult(
          false,
          "missing_state",
          "the callback has no state: start the authorization again",
          Optional.empty());
    }
    Instant now = clock.instant();
    Optional<PendingAuthorization> found = repository.find(digest(state.get()));
    if (found.isEmpty()) {
      return new CallbackResult(
          false,
          "unknown_state",
          "this authorization is unknown: start it again from Credflow",
          Optional.empty());
    }
    PendingAuthorization p = found.get();
    if (!now.isBefore(p.expiresAt())) {
      return new CallbackResult(
          false,
          "expired_state",
          "this authorization expired (after 10 minutes): start it again",
          Optional.empty());
    }
    if (p.status() != PendingAuthorization.Status.PENDING) {
      return new CallbackResult(
          false,
          "used_state",
          "this authorization was already completed; a state works once",
          Optional.empty());
    }
    if (error.isPresent()) {
      String detail =
          "the provider answered "
              + printable(error.get())
              + errorDescription.map(d -> ": " + printable(d)).orElse("");
      repository.transition(
          PendingAuthorization.Status.PENDING, p.failed(printable(error.get()), detail, now));
      return new CallbackResult(false, "provider_error", detail, Optional.empty());
    }
    if (code.isEmpty() || code.get().isBlank()) {
      return new CallbackResult(
          false, "missing_code", "the callback has neither a code nor an error", Optional.empty());
    }
    Secret received = Secret.of(stripInstagramSuffix(code.get()));
    if (p.credentialName().isPresent()) {
      return saveAtCallback(p, received, now);
    }
    if (!repository.transition(PendingAuthorization.Status.PENDING, p.withCode(received, now))) {
      return new CallbackResult(
          false,
          "used_state",
          "this authorization was already completed; a state works once",
          Optional.empty());
    }
    return new CallbackResult(
        true,
        "code_received",
        "authorization received: save the credential in Credflow to finish",
        Optional.empty());
  }

  private CallbackResult saveAtCallback(PendingAuthorization p, Secret code, Instant now) {
    if (!repository.transition(
        PendingAuthorization.Status.PENDING, p.redeemed(Optional.empty(), now))) {
      return new CallbackResult(
          false,
          "used_state",
          "this authorization was already completed; a state works once",
          Optional.empty());
    }
    Caller caller = tenancy.callerFor(p.userId()).orElseThrow();
    AuthClient authClient = authClients.findUnchecked(p.authClientId()).orElseThrow();
    IssuedTokens tokens;
    try {
      tokens = exchange(authClient, code, p);
    } catch (ValidationException | UpstreamException | OutboundRefusedException e) {
      // The browser lands here: it gets the callback's page (or JSON), never an API error body.
      return new CallbackResult(false, e.code(), e.getMessage(), Optional.empty());
    }
    var view =
        credentials
            .get()
            .createFromTokens(
                caller,
                p.workspaceId(),
                p.credentialName().get(),
                authClient.id(),
                p.componentId(),
                tokens);
    repository.transition(
        PendingAuthorization.Status.REDEEMED,
        p.redeemed(Optional.of(view.credential().id()), clock.instant()));
    return new CallbackResult(
        true,
        "credential_saved",
        "authorization complete: the credential is saved",
        Optional.of(view.credential().id()));
  }

  /**
   * Redeems the round trip named by {@code state} for the caller's credential: the authorization
   * must be the caller's, for this workspace, auth-client and component, unexpired and unused.
   */
  public IssuedTokens redeem(
      Caller caller,
      Workspace ws,
      AuthClient authClient,
      String componentId,
      Optional<String> credentialId,
      String state,
      Optional<String> bodyCode) {
    Instant now = clock.instant();
    PendingAuthorization p =
        repository
            .find(digest(state))
            .filter(a -> a.userId().equals(caller.user().id()))
            .filter(a -> a.workspaceId().equals(ws.id()))
            .filter(a -> a.authClientId().equals(authClient.id()))
            .filter(a -> a.componentId().equals(componentId))
            .filter(a -> a.credentialId().isEmpty() || a.credentialId().equals(credentialId))
            .orElseThrow(
                () ->
                    new ValidationException(
                        STATE_POINTER,
                        "unknown_state",
                        "no Authenticate round trip of yours for this auth-client has this state:"
                            + " start one with POST /v2/workspaces/"
                            + ws.id()
                            + "/authorizations"));
    if (!now.isBefore(p.expiresAt())) {
      throw new ValidationException(
          STATE_POINTER,
          "expired_state",
          "this authorization expired (after 10 minutes): authenticate again");
    }
    Secret code =
        switch (p.status()) {
          case CODE_RECEIVED -> p.code().orElseThrow();
          case PENDING ->
              bodyCode
                  .map(c -> Secret.of(stripInstagramSuffix(c)))
                  .orElseThrow(
                      () ->
                          new ValidationException(
                              STATE_POINTER,
                              "authorization_pending",
                              "the provider has not redirected back yet: finish signing in at the"
                                  + " provider, then save again"));
          case FAILED ->
              throw new ValidationException(
                  STATE_POINTER,
                  "authorization_failed",
                  p.errorDetail().orElse("the provider refused the authorization")
                      + ": authenticate again");
          case REDEEMED ->
              throw new ValidationException(
                  STATE_POINTER,
                  "used_state",
                  "this authorization was already used; a code is redeemed once");
        };
    if (!repository.transition(p.status(), p.redeemed(credentialId, now))) {
      throw new ValidationException(
          STATE_POINTER,
          "used_state",
          "this authorization was already used; a code is redeemed once");
    }
    return exchange(authClient, code, p);
  }

  private IssuedTokens exchange(AuthClient authClient, Secret code, PendingAuthorization p) {
    Instant now = clock.instant();
    return switch (authClient.settings()) {
      case OAuth2Settings s -> {
        TokenOutcome outcome =
            tokenClient.exchangeCode(s, code.reveal(), p.redirectUri(), p.codeVerifier());
        TokenOutcome.Issued issued = issued(outcome, authClient);
        yield new IssuedTokens(
            new CredentialSecrets.Tokens(issued.accessToken(), issued.refreshToken()),
            Optional.of(now.plusSeconds(issued.expiresIn().orElse(s.tokenExpiresIn()))),
            issued.scope());
      }
      case InstagramSettings s -> {
        TokenOutcome.Issued shortLived =
            issued(tokenClient.instagramCode(s, code.reveal(), p.redirectUri()), authClient);
        // The short-lived token is exchanged at once and never stored.
        TokenOutcome.Issued longLived =
            issued(tokenClient.instagramExchange(s, shortLived.accessToken()), authClient);
        yield new IssuedTokens(
            new CredentialSecrets.Tokens(longLived.accessToken(), Optional.empty()),
            Optional.of(now.plusSeconds(longLived.expiresIn().orElse(s.tokenExpiresIn()))),
            Optional.empty());
      }
      default -> throw new IllegalStateException("not an OAuth auth-client: " + authClient.id());
    };
  }

  private static TokenOutcome.Issued issued(TokenOutcome outcome, AuthClient authClient) {
    return switch (outcome) {
      case TokenOutcome.Issued i -> i;
      case TokenOutcome.Refused r ->
          r.error().meansClientMisconfigured()
              ? throwUpstream(
                  "auth_client_misconfigured",
                  "the provider refused auth-client "
                      + authClient.id()
                      + " with "
                      + r.error().describe()
                      + ": fix its client_id/client_secret, then authenticate again")
              : throwValidation(
                  "authorization_failed",
                  "the provider refused the code ("
                      + r.error().describe()
                      + "): authenticate again");
      case TokenOutcome.Unavailable u ->
          throwUpstream("provider_unavailable", u.reason() + ": authenticate again later");
      case TokenOutcome.Blocked b ->
          throw b.refusal().about("the token endpoint of auth-client " + authClient.id());
    };
  }

  private static TokenOutcome.Issued throwUpstream(String code, String message) {
    throw new UpstreamException(code, message);
  }

  private static TokenOutcome.Issued throwValidation(String code, String message) {
    throw new ValidationException(STATE_POINTER, code, message);
  }

  private String chooseComponent(AuthClient authClient, Optional<String> requested, Workspace ws) {
    if (requested.isPresent()) {
      if (!authClient.componentIds().contains(requested.get())
          || !authClients.componentUsableAt(requested.get(), ws.location())) {
        throw new ValidationException(
            "component",
            "component_not_linked",
            "component " + requested.get() + " is not one this auth-client serves here");
      }
      return requested.get();
    }
    List<String> usable =
        authClient.componentIds().stream()
            .filter(c -> authClients.componentUsableAt(c, ws.location()))
            .toList();
    if (usable.size() == 1) {
      return usable.get(0);
    }
    throw new ValidationException(
        "component",
        "missing_component",
        "auth-client "
            + authClient.id()
            + " serves several components: name one in"
            + " relationships.component");
  }

  /** Instagram appends "#_" to its codes; it is not part of the code. */
  static String stripInstagramSuffix(String code) {
    return code.endsWith("#_") ? code.substring(0, code.length() - 2) : code;
  }

  static Secret newState() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Secret.of(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  static String digest(String state) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(state.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String printable(String s) {
    String p = s.replaceAll("[^\\x20-\\x7e]", "?");
    return p.length() > 200 ? p.substring(0, 200) : p;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
