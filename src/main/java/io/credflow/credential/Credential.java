package io.credflow.credential;

import io.credflow.authclient.VerifyRequest;
import io.credflow.component.AuthClientType;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A credential, in four parts that each hold together on their own: where it belongs ({@link
 * Owner}), what it holds ({@link Grant}: its type, the secrets of that type, and for OAuth2 the
 * token's expiry and scope), whether it can be used ({@link Condition}), and its {@link Revision};
 * and how it is checked ({@link Check}). A credential of one type with another type's secrets, an
 * expiry on an API key, or a credential that needs a person without saying why cannot be built.
 *
 * <p>{@code version} grows with every write; every update is a compare-and-set on it, so two
 * writers never overwrite each other unseen.
 */
public record Credential(
    String id,
    Owner owner,
    String name,
    Grant grant,
    Condition condition,
    Revision revision,
    Check check) {

  public Credential {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(grant, "grant");
    Objects.requireNonNull(condition, "condition");
    Objects.requireNonNull(revision, "revision");
    Objects.requireNonNull(check, "check");
    if (grant.secrets() instanceof CredentialSecrets.Unreadable
        && !(condition instanceof Condition.Failed)) {
      throw new IllegalArgumentException(
          "a credential whose secrets cannot be read is in error, not " + condition.state());
    }
  }

  /** A credential with no verify request of its own, never verified. */
  public Credential(
      String id, Owner owner, String name, Grant grant, Condition condition, Revision revision) {
    this(id, owner, name, grant, condition, revision, Check.NONE);
  }

  /**
   * How a credential is checked: its own verify request (else its auth-client's, else offline), and
   * how the last check went. The last check is written on its own, not as a new version: it changes
   * nothing a use of the credential depends on.
   */
  public record Check(Optional<VerifyRequest> request, Optional<Verification> last) {
    public static final Check NONE = new Check(Optional.empty(), Optional.empty());

    public Check {
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(last, "last");
    }
  }

  /** Where a credential belongs, and who made it. */
  public record Owner(
      String workspaceId, String authClientId, String componentId, String createdBy) {}

  /**
   * What a credential holds. The secrets must be of the type's kind ({@code basic}: a user name and
   * password; {@code api_key}: a key or none; the OAuth2 types: tokens; {@code noauth}: nothing),
   * and only the OAuth2 types have a token expiry and a granted scope. Secrets that cannot be read
   * ({@link CredentialSecrets.Unreadable}) fit every type.
   */
  public record Grant(
      AuthClientType type,
      CredentialSecrets secrets,
      Optional<Instant> expiresAt,
      Optional<String> scope) {
    public Grant {
      boolean fits =
          secrets instanceof CredentialSecrets.Unreadable
              || switch (type) {
                case NOAUTH -> secrets instanceof CredentialSecrets.None;
                case BASIC -> secrets instanceof CredentialSecrets.Basic;
                case API_KEY -> secrets instanceof CredentialSecrets.ApiKey;
                case OAUTH2, OAUTH2_INSTAGRAM -> secrets instanceof CredentialSecrets.Tokens;
              };
      if (!fits) {
        throw new IllegalArgumentException(
            "a "
                + type.wireName()
                + " credential cannot hold "
                + secrets.getClass().getSimpleName());
      }
      if (!type.isOAuth() && (expiresAt.isPresent() || scope.isPresent())) {
        throw new IllegalArgumentException(
            "only OAuth2 credentials have a token expiry and scope, not " + type.wireName());
      }
    }

    /** A grant with no expiry or scope: what every non-OAuth type holds. */
    public static Grant of(AuthClientType type, CredentialSecrets secrets) {
      return new Grant(type, secrets, Optional.empty(), Optional.empty());
    }

    /** The same type with new secrets, expiry and scope. */
    public Grant with(
        CredentialSecrets newSecrets, Optional<Instant> newExpiresAt, Optional<String> newScope) {
      return new Grant(type, newSecrets, newExpiresAt, newScope);
    }
  }

  /** Whether a credential can authorize requests now; every other state says why not. */
  public sealed interface Condition {
    /** Usable. */
    record Ready() implements Condition {}

    /** A person must authenticate again (refresh token revoked, none at expiry). */
    record NeedsReauth(CredentialError reason) implements Condition {
      public NeedsReauth {
        Objects.requireNonNull(reason, "reason");
      }
    }

    /** Expired, and refreshing keeps failing for another reason. */
    record Failed(CredentialError reason) implements Condition {
      public Failed {
        Objects.requireNonNull(reason, "reason");
      }
    }

    /** The condition named {@code state}; an error is required for every state but ready. */
    static Condition of(CredentialState state, Optional<CredentialError> error) {
      return switch (state) {
        case READY -> new Ready();
        case NEEDS_REAUTH -> new NeedsReauth(required(error, state));
        case ERROR -> new Failed(required(error, state));
      };
    }

    private static CredentialError required(Optional<CredentialError> error, CredentialState s) {
      return error.orElseThrow(
          () -> new IllegalArgumentException("a " + s.wireName() + " credential needs a reason"));
    }

    default CredentialState state() {
      return switch (this) {
        case Ready r -> CredentialState.READY;
        case NeedsReauth n -> CredentialState.NEEDS_REAUTH;
        case Failed f -> CredentialState.ERROR;
      };
    }

    default Optional<CredentialError> error() {
      return switch (this) {
        case Ready r -> Optional.empty();
        case NeedsReauth n -> Optional.of(n.reason());
        case Failed f -> Optional.of(f.reason());
      };
    }
  }

  /** The stored version and times, and the position in its workspace's list. */
  public record Revision(long version, Instant createdAt, Instant updatedAt, long seq) {
    /** A credential not stored yet: version 1, created and updated {@code now}. */
    public static Revision first(Instant now) {
      return new Revision(1, now, now, 0);
    }
  }

  public String workspaceId() {
    return owner.workspaceId();
  }

  public String authClientId() {
    return owner.authClientId();
  }

  public String componentId() {
    return owner.componentId();
  }

  public String createdBy() {
    return owner.createdBy();
  }

  public AuthClientType type() {
    return grant.type();
  }

  public CredentialSecrets secrets() {
    return grant.secrets();
  }

  public Optional<Instant> expiresAt() {
    return grant.expiresAt();
  }

  public Optional<String> scope() {
    return grant.scope();
  }

  public CredentialState state() {
    return condition.state();
  }

  public Optional<CredentialError> error() {
    return condition.error();
  }

  public long version() {
    return revision.version();
  }

  public Instant createdAt() {
    return revision.createdAt();
  }

  public Instant updatedAt() {
    return revision.updatedAt();
  }

  public long seq() {
    return revision.seq();
  }

  /** Whether the stored secrets could not be decrypted (the credential is then in error). */
  public boolean secretsUnreadable() {
    return secrets() instanceof CredentialSecrets.Unreadable;
  }

  public boolean hasRefreshToken() {
    return secrets() instanceof CredentialSecrets.Tokens t && t.refreshToken().isPresent();
  }

  public Optional<VerifyRequest> verifyRequest() {
    return check.request();
  }

  public Optional<Verification> lastVerification() {
    return check.last();
  }

  public Credential withName(String newName) {
    return new Credential(id, owner, newName, grant, condition, revision, check);
  }

  /** The same credential with its own verify request, or none. */
  public Credential withVerifyRequest(Optional<VerifyRequest> request) {
    return new Credential(
        id, owner, name, grant, condition, revision, new Check(request, check.last()));
  }

  /** The same credential in another state (an error explains every state but ready). */
  public Credential withState(CredentialState newState, Optional<CredentialError> newError) {
    return new Credential(
        id, owner, name, grant, Condition.of(newState, newError), revision, check);
  }

  /** The same credential as stored with another version (after a compare-and-set). */
  public Credential withVersion(long newVersion) {
    return new Credential(
        id,
        owner,
        name,
        grant,
        condition,
        new Revision(newVersion, revision.createdAt(), revision.updatedAt(), revision.seq()),
        check);
  }

  /** Whether the access token expires before {@code instant} (never, when it has no expiry). */
  public boolean expiresBefore(Instant instant) {
    return expiresAt().map(e -> e.isBefore(instant)).orElse(false);
  }

  /** New secrets: the credential is ready again, with the given expiry and scope. */
  public Credential withSecrets(
      CredentialSecrets newSecrets, Optional<Instant> newExpiresAt, Optional<String> newScope) {
    return new Credential(
        id,
        owner,
        name,
        grant.with(newSecrets, newExpiresAt, newScope),
        new Condition.Ready(),
        revision,
        check);
  }

  @Override
  public String toString() {
    return "Credential[id="
        + id
        + ", type="
        + type()
        + ", state="
        + state()
        + ", version="
        + version()
        + "]";
  }
}
