package io.credflow.oauth;

import io.credflow.authclient.AuthClient;
import io.credflow.authclient.AuthClientService;
import io.credflow.authclient.OAuthSettings;
import io.credflow.common.ForbiddenException;
import io.credflow.common.NotFoundException;
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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Supplier;

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
  private final OAuthProviders providers;
  private final Supplier<CredentialService> credentials;
  private final Supplier<URI> publicUrl;
  private final Clock clock;

  public AuthorizationService(
      AuthorizationRepository repository,
      AuthClientService authClients,
      ComponentService components,
      TenancyService tenancy,
      OAuthProviders providers,
      Supplier<CredentialService> credentials,
      Supplier<URI> publicUrl,
      Clock clock) {
    this.repository = repository;
    this.authClients = authClients;
    this.components = components;
    this.tenancy = tenancy;
    this.providers = providers;
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
    if (!(authClient.settings() instanceof OAuthSettings settings)) {
      throw new ValidationException(
          "auth_client",
          "not_oauth",
          "auth-client "
              + authClient.id()
              + " is "
              + authClient.type().wireName()
              + ": only oauth2 and oauth2_instagram auth-clients authenticate");
    }
    OAuthProvider provider = providers.of(settings);
    String componentId = authClients.componentFor(authClient, request.componentId(), ws);
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
        provider.usesPkce() ? Optional.of(Pkce.newVerifier()) : Optional.empty();
    PendingAuthorization pending =
        PendingAuthorization.started(
            digest(state.reveal()),
            ws.id(),
            authClient.id(),
            componentId,
            caller.user().id(),
            request.credentialId(),
            name,
            redirectUri(),
            verifier,
            now,
            now.plus(LIFETIME));
    repository.insert(pending);
    URI authorizeUrl =
        provider.authorizeUrl(
            new OAuthProvider.AuthorizeRequest(
                state, pending.redirectUri(), verifier, component.descriptor().scopes()));
    return new Started(authorizeUrl, state, pending.expiresAt());
  }

  /** Where a round trip stands, as the page that started it polls for it. */
  public sealed interface Progress {
    /** The provider has not redirected back yet. */
    record Waiting() implements Progress {}

    /** The callback recorded a code; saving the credential (with the state) redeems it. */
    record CodeReceived() implements Progress {}

    /** The callback saved (or re-authenticated) the credential. */
    record Saved(String credentialId) implements Progress {}

    /** The code is being redeemed, or was redeemed for a credential saved elsewhere. */
    record Redeemed() implements Progress {}

    /** The provider refused, or the round trip expired before it came back. */
    record Failed(String code, String detail) implements Progress {}
  }

  /** A round trip as its starter sees it: where it was started, for what, and how it stands. */
  public record Tracked(String workspaceId, Optional<String> credentialId, Progress progress) {}

  /**
   * How the round trip with this {@link #reference} stands, for the user who started it only:
   * anyone else, and an unknown reference, get a 404.
   */
  public Tracked progress(Caller caller, String reference) {
    PendingAuthorization p =
        repository
            .find(reference)
            .filter(a -> a.userId().equals(caller.user().id()))
            .orElseThrow(() -> new NotFoundException("authorization", "with this reference"));
    return new Tracked(p.workspaceId(), p.credentialId(), progressOf(p));
  }

  private Progress progressOf(PendingAuthorization p) {
    return switch (p.stage()) {
      case PendingAuthorization.Stage.Pending w ->
          clock.instant().isBefore(p.expiresAt())
              ? new Progress.Waiting()
              : new Progress.Failed(
                  "expired_state",
                  "the provider did not send you back within 10 minutes: start again");
      case PendingAuthorization.Stage.CodeReceived c -> new Progress.CodeReceived();
      case PendingAuthorization.Stage.Failed f -> new Progress.Failed(f.errorCode(), f.detail());
      case PendingAuthorization.Stage.Redeemed r ->
          r.credentialId()
              .<Progress>map(Progress.Saved::new)
              .orElseGet(
                  () ->
                      p.credentialName().isPresent()
                          ? new Progress.Waiting()
                          : new Progress.Redeemed());
    };
  }

  /** What the callback found. Only {@link Refused} leaves everything as it was. */
  public sealed interface CallbackResult {
    /** The code is recorded; saving the credential in Credflow redeems it. */
    record CodeReceived() implements CallbackResult {}

    /** The authorization named the credential to create, and it is saved. */
    record CredentialSaved(String savedId) implements CallbackResult {}

    /** Nothing changed, or the provider refused: {@code code} says which, {@code message} why. */
    record Refused(String code, String message) implements CallbackResult {}

    default boolean ok() {
      return !(this instanceof Refused);
    }

    /** A stable code for the outcome. */
    default String code() {
      return switch (this) {
        case CodeReceived c -> "code_received";
        case CredentialSaved s -> "credential_saved";
        case Refused r -> r.code();
      };
    }

    /** A sentence for the person at the browser. */
    default String message() {
      return switch (this) {
        case CodeReceived c -> "authorization received: save the credential in Credflow to finish";
        case CredentialSaved s -> "authorization complete: the credential is saved";
        case Refused r -> r.message();
      };
    }

    default Optional<String> credentialId() {
      return this instanceof CredentialSaved s ? Optional.of(s.savedId()) : Optional.empty();
    }
  }

  private static final CallbackResult USED_STATE =
      new CallbackResult.Refused(
          "used_state", "this authorization was already completed; a state works once");

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
      return new CallbackResult.Refused(
          "missing_state", "the callback has no state: start the authorization again");
    }
    Instant now = clock.instant();
    Optional<PendingAuthorization> found = repository.find(digest(state.get()));
    if (found.isEmpty()) {
      return new CallbackResult.Refused(
          "unknown_state", "this authorization is unknown: start it again from Credflow");
    }
    PendingAuthorization p = found.get();
    if (!now.isBefore(p.expiresAt())) {
      return new CallbackResult.Refused(
          "expired_state", "this authorization expired (after 10 minutes): start it again");
    }
    if (!(p.stage() instanceof PendingAuthorization.Stage.Pending)) {
      return USED_STATE;
    }
    if (error.isPresent()) {
      String detail =
          "the provider answered "
              + printable(error.get())
              + errorDescription.map(d -> ": " + printable(d)).orElse("");
      repository.transition(
          PendingAuthorization.Status.PENDING,
          p.at(new PendingAuthorization.Stage.Failed(printable(error.get()), detail), now));
      return new CallbackResult.Refused("provider_error", detail);
    }
    if (code.isEmpty() || code.get().isBlank()) {
      return new CallbackResult.Refused(
          "missing_code", "the callback has neither a code nor an error");
    }
    Secret received = Secret.of(stripInstagramSuffix(code.get()));
    if (p.credentialName().isPresent() && p.credentialId().isPresent()) {
      return reconnectAtCallback(p, Secret.of(state.get()), received, now);
    }
    if (p.credentialName().isPresent()) {
      return saveAtCallback(p, received, now);
    }
    if (!repository.transition(
        PendingAuthorization.Status.PENDING,
        p.at(new PendingAuthorization.Stage.CodeReceived(received), now))) {
      return USED_STATE;
    }
    return new CallbackResult.CodeReceived();
  }

  /**
   * Re-authenticates the credential the round trip names, at once: as a save with the state would
   * (the same checks, the same compare-and-set), on behalf of the user who started it.
   */
  private CallbackResult reconnectAtCallback(
      PendingAuthorization p, Secret state, Secret code, Instant now) {
    if (!repository.transition(
        PendingAuthorization.Status.PENDING,
        p.at(new PendingAuthorization.Stage.CodeReceived(code), now))) {
      return USED_STATE;
    }
    String credentialId = p.credentialId().orElseThrow();
    Optional<Caller> caller = tenancy.callerFor(p.userId()).filter(c -> mayUse(c, p));
    if (caller.isEmpty()) {
      return failedAtCallback(p, accessLost(p));
    }
    try {
      credentials
          .get()
          .update(
              caller.get(),
              p.workspaceId(),
              credentialId,
              new CredentialService.Change(
                  Optional.empty(),
                  Optional.of(
                      (settings, stored) ->
                          new io.credflow.credential.CredentialInput.Authenticate(
                              state, Optional.empty()))));
    } catch (ValidationException
        | UpstreamException
        | OutboundRefusedException
        | NotFoundException
        | ForbiddenException e) {
      return failedAtCallback(p, new CallbackResult.Refused(e.code(), e.getMessage()));
    }
    repository.transition(
        PendingAuthorization.Status.REDEEMED,
        p.at(new PendingAuthorization.Stage.Redeemed(Optional.of(credentialId)), clock.instant()));
    return new CallbackResult.CredentialSaved(credentialId);
  }

  private CallbackResult saveAtCallback(PendingAuthorization p, Secret code, Instant now) {
    if (!repository.transition(
        PendingAuthorization.Status.PENDING,
        p.at(new PendingAuthorization.Stage.Redeemed(Optional.empty()), now))) {
      return USED_STATE;
    }
    // Saved on behalf of the user who started it, who may have lost the workspace meanwhile:
    // then no code is redeemed at all.
    Optional<Caller> caller = tenancy.callerFor(p.userId()).filter(c -> mayUse(c, p));
    Optional<AuthClient> found = authClients.findUnchecked(p.authClientId());
    if (caller.isEmpty() || found.isEmpty()) {
      return failedAtCallback(p, accessLost(p));
    }
    AuthClient authClient = found.get();
    IssuedTokens tokens;
    try {
      tokens = exchange(authClient, code, p);
    } catch (ValidationException | UpstreamException | OutboundRefusedException e) {
      // The browser lands here: it gets the callback's page (or JSON), never an API error body.
      return failedAtCallback(p, new CallbackResult.Refused(e.code(), e.getMessage()));
    }
    // The caller above was read before the provider answered: access lost meanwhile shows only
    // when it is read again.
    caller = tenancy.callerFor(p.userId()).filter(c -> mayUse(c, p));
    if (caller.isEmpty()) {
      revoke(authClient, tokens);
      return failedAtCallback(p, accessLost(p));
    }
    String credentialId;
    try {
      credentialId =
          credentials
              .get()
              .createFromTokens(
                  caller.get(),
                  p.workspaceId(),
                  p.credentialName().get(),
                  authClient.id(),
                  p.componentId(),
                  tokens)
              .credential()
              .id();
    } catch (NotFoundException | ForbiddenException e) {
      // Access was lost while the code was redeemed: tokens nobody may keep are given back.
      revoke(authClient, tokens);
      return failedAtCallback(p, accessLost(p));
    }
    repository.transition(
        PendingAuthorization.Status.REDEEMED,
        p.at(new PendingAuthorization.Stage.Redeemed(Optional.of(credentialId)), clock.instant()));
    return new CallbackResult.CredentialSaved(credentialId);
  }

  /** Whether {@code caller} may still save a credential where {@code p} was started. */
  private boolean mayUse(Caller caller, PendingAuthorization p) {
    try {
      tenancy.workspace(caller, p.workspaceId());
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  /**
   * Records that saving at the callback failed, so that the page waiting for this round trip learns
   * why instead of waiting for a credential that will not come.
   */
  private CallbackResult failedAtCallback(PendingAuthorization p, CallbackResult.Refused refused) {
    PendingAuthorization failed =
        p.at(
            new PendingAuthorization.Stage.Failed(refused.code(), refused.message()),
            clock.instant());
    if (!repository.transition(PendingAuthorization.Status.REDEEMED, failed)) {
      repository.transition(PendingAuthorization.Status.CODE_RECEIVED, failed);
    }
    return refused;
  }

  private static CallbackResult.Refused accessLost(PendingAuthorization p) {
    return new CallbackResult.Refused(
        "access_lost",
        "the user who started this authorization can no longer use workspace "
            + p.workspaceId()
            + ": nothing was saved");
  }

  /** Revokes issued tokens where the provider can (RFC 7009); purged either way. */
  private void revoke(AuthClient authClient, IssuedTokens tokens) {
    if (authClient.settings() instanceof OAuthSettings settings) {
      providers.of(settings).revoke(tokens.tokens());
    }
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
        switch (p.stage()) {
          case PendingAuthorization.Stage.CodeReceived received -> received.code();
          case PendingAuthorization.Stage.Pending pending ->
              bodyCode
                  .map(c -> Secret.of(stripInstagramSuffix(c)))
                  .orElseThrow(
                      () ->
                          new ValidationException(
                              STATE_POINTER,
                              "authorization_pending",
                              "the provider has not redirected back yet: finish signing in at the"
                                  + " provider, then save again"));
          case PendingAuthorization.Stage.Failed failed ->
              throw new ValidationException(
                  STATE_POINTER, "authorization_failed", failed.detail() + ": authenticate again");
          case PendingAuthorization.Stage.Redeemed redeemed ->
              throw new ValidationException(
                  STATE_POINTER,
                  "used_state",
                  "this authorization was already used; a code is redeemed once");
        };
    // A round trip its callback saves (a reconnect from the console) reports the credential saved
    // only once the credential is written (reconnectAtCallback): told earlier, the waiting page
    // would show the credential as it was.
    Optional<String> saved = p.credentialName().isPresent() ? Optional.empty() : credentialId;
    if (!repository.transition(
        p.status(), p.at(new PendingAuthorization.Stage.Redeemed(saved), now))) {
      throw new ValidationException(
          STATE_POINTER,
          "used_state",
          "this authorization was already used; a code is redeemed once");
    }
    return exchange(authClient, code, p);
  }

  /** The code's tokens, from the auth-client's provider; a refusal is an exception to report. */
  private IssuedTokens exchange(AuthClient authClient, Secret code, PendingAuthorization p) {
    if (!(authClient.settings() instanceof OAuthSettings settings)) {
      throw new IllegalStateException(
          "authorization of auth-client " + authClient.id() + ", which is not OAuth");
    }
    Instant now = clock.instant();
    TokenOutcome.Issued issued =
        issued(
            providers.of(settings).exchangeCode(code, p.redirectUri(), p.codeVerifier()),
            authClient);
    return new IssuedTokens(
        new CredentialSecrets.Tokens(issued.accessToken(), issued.refreshToken()),
        Optional.of(now.plusSeconds(issued.expiresIn().orElse(settings.tokenExpiresIn()))),
        issued.scope(),
        issued.refreshTokenExpiresIn().map(now::plusSeconds));
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

  /** Instagram appends "#_" to its codes; it is not part of the code. */
  static String stripInstagramSuffix(String code) {
    return code.endsWith("#_") ? code.substring(0, code.length() - 2) : code;
  }

  static Secret newState() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Secret.of(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  /**
   * The reference of the round trip named by {@code state}: what pages may show and poll with. It
   * names the round trip without being able to redeem it (that takes the state itself).
   */
  public static String reference(String state) {
    return digest(state);
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
}
