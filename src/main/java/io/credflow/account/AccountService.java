package io.credflow.account;

import io.credflow.account.AccountRepository.Account;
import io.credflow.account.AccountRepository.StoredSession;
import io.credflow.account.AccountRepository.StoredSetupLink;
import io.credflow.audit.Actions;
import io.credflow.audit.Actor;
import io.credflow.audit.AuditRecord;
import io.credflow.audit.AuditTrail;
import io.credflow.audit.Origin;
import io.credflow.audit.Place;
import io.credflow.audit.Subject;
import io.credflow.common.ConflictException;
import io.credflow.common.ForbiddenException;
import io.credflow.common.Ids;
import io.credflow.common.NotFoundException;
import io.credflow.common.Secret;
import io.credflow.common.Transactions;
import io.credflow.tenancy.Caller;
import io.credflow.tenancy.Location;
import io.credflow.tenancy.Membership;
import io.credflow.tenancy.Role;
import io.credflow.tenancy.TenancyService;
import io.credflow.tenancy.User;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signing in to the console: passwords, sessions held in the database (so that every process of an
 * installation knows every session), and one-time setup links that set a password.
 *
 * <p>Session and setup tokens are 256 random bits, handed out once and stored only as SHA-256
 * digests. Every read of a session reads its user's memberships again, so that a role taken away
 * applies to the next page.
 */
public final class AccountService {
  /** How long a setup link may be used (once). */
  public static final Duration SETUP_LINK_LIFETIME = Duration.ofHours(24);

  /** A session unused for this long ends. */
  public static final Duration SESSION_IDLE = Duration.ofHours(12);

  /** A session ends this long after sign-in, however much it is used. */
  public static final Duration SESSION_MAX = Duration.ofDays(7);

  /** Where setup links point: {@code SETUP_PATH + token}, under the public URL. */
  public static final String SETUP_PATH = "/setup/";

  /** The one-time link a setup token opens: {@code {publicUrl}/setup/{token}}. */
  public static String setupLink(java.net.URI publicUrl, Secret token) {
    return publicUrl.toString().replaceAll("/+$", "") + SETUP_PATH + token.reveal();
  }

  /**
   * A session's last use is written at most this often: enough for the idle end to be right to the
   * minute, without a write on every page.
   */
  static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

  private static final String CSRF_LABEL = "credflow csrf v1";

  private static final String LINK_UNUSABLE =
      "this setup link has expired or was used; ask an admin for a new one";

  private final AccountRepository repository;
  private final TenancyService tenancy;
  private final Transactions transactions;
  private final Clock clock;
  private final Passwords passwords;
  private final AuditTrail audit;

  /** An account service hashing passwords with {@link Passwords#defaults()}, audited nowhere. */
  public AccountService(
      AccountRepository repository, TenancyService tenancy, Transactions tx, Clock clock) {
    this(repository, tenancy, tx, clock, Passwords.defaults(), AuditTrail.NONE);
  }

  /** An account service whose sign-ins and password changes go to {@code audit}. */
  public AccountService(
      AccountRepository repository,
      TenancyService tenancy,
      Transactions tx,
      Clock clock,
      Passwords passwords,
      AuditTrail audit) {
    this.repository = repository;
    this.tenancy = tenancy;
    this.transactions = tx;
    this.clock = clock;
    this.passwords = passwords;
    this.audit = audit;
  }

  // ---------------------------------------------------------------- bootstrap admin

  /**
   * At start: the bootstrap admin ({@value TenancyService#BOOTSTRAP_ADMIN_EMAIL}) without a
   * password gets {@code password} if present (policy-checked) or a fresh one-time setup token
   * (earlier unused ones for that user are invalidated); empty when the admin already has a
   * password, or when there is no bootstrap admin.
   *
   * <p>Every start while the admin has no password makes a new token and so invalidates the one an
   * earlier start printed: the link to use is the last one printed.
   */
  public Optional<Secret> prepareAdmin(Optional<Secret> password) {
    password.ifPresent(Passwords::checkPolicy);
    Optional<Account> admin = repository.findAccountByEmail(TenancyService.BOOTSTRAP_ADMIN_EMAIL);
    if (admin.isEmpty() || admin.get().passwordHash().isPresent()) {
      return Optional.empty();
    }
    String adminId = admin.get().userId();
    if (password.isPresent()) {
      String hash = passwords.hash(password.get());
      try {
        transactions.inTransaction(
            () -> {
              // Another process starting with the same variable may have set it meanwhile.
              if (repository.passwordHash(adminId).isEmpty()) {
                repository.setPassword(adminId, hash, clock.instant());
                audit.record(
                    AuditRecord.of(
                            clock.instant(),
                            Actor.system("first-start"),
                            Actions.USER_PASSWORD_SET,
                            Subject.of(Subject.USER, adminId),
                            Place.NONE,
                            Origin.NONE)
                        .with("how", "CREDFLOW_ADMIN_PASSWORD"));
              }
              repository.deleteUnusedSetupLinksOf(adminId);
            });
      } catch (ConflictException e) {
        // It did, between the check and the insert: the password is set either way.
      }
      return Optional.empty();
    }
    return Optional.of(transactions.inTransaction(() -> issueSetupLink(adminId)));
  }

  /**
   * Deletes sessions that ended and setup links that expired, for everyone: what sign-in and
   * sign-out do not clear (the sessions of people who never come back). Returns how many rows went.
   */
  public int sweep() {
    Instant now = clock.instant();
    return repository.deleteEndedSessions(Optional.empty(), now, now.minus(SESSION_IDLE))
        + repository.deleteExpiredSetupLinks(now);
  }

  // ---------------------------------------------------------------- sessions

  /** A new session: the token for the cookie (shown once) and the session it opens. */
  public record SignedIn(Secret sessionToken, Session session) {}

  /**
   * A live session: its id (not its token), who it acts as (memberships read with the session), and
   * when it ends unless used again.
   */
  public record Session(String id, Caller caller, Instant expiresAt) {}

  /**
   * Signs in with an email and password. A wrong email or password answers empty, alike: an email
   * with no user, or whose user has no password yet, still costs one Argon2 verification, so that
   * timing does not tell which.
   */
  public Optional<SignedIn> signIn(String email, Secret password) {
    return signIn(email, password, Origin.NONE);
  }

  /**
   * {@link #signIn(String, Secret)} from {@code origin}: each sign-in, and each failed one, is
   * audited (a failed one names the email as typed, and the user when there is one).
   */
  public Optional<SignedIn> signIn(String email, Secret password, Origin origin) {
    String normalized = TenancyService.normalizeEmail(email);
    if (password.reveal().length() > 4 * Passwords.MAX_LENGTH) {
      // Never a valid password (the policy caps its length); not worth hashing megabytes for.
      return failed(normalized, Optional.empty(), origin);
    }
    Optional<Account> account = repository.findAccountByEmail(normalized);
    Optional<String> hash = account.flatMap(Account::passwordHash);
    if (hash.isEmpty()) {
      passwords.matchesNothing(password);
      return failed(normalized, account.map(Account::userId), origin);
    }
    if (!passwords.matches(password, hash.get())) {
      return failed(normalized, account.map(Account::userId), origin);
    }
    String userId = account.get().userId();
    if (passwords.needsRehash(hash.get())) {
      repository.setPassword(userId, passwords.hash(password), clock.instant());
    }
    SignedIn signedIn = transactions.inTransaction(() -> openSession(userId));
    Caller caller = signedIn.session().caller().from(origin);
    audit.record(
        caller.audit(
            clock.instant(),
            Actions.USER_SIGNED_IN,
            Subject.of(Subject.USER, userId),
            caller.homePlace()));
    return Optional.of(signedIn);
  }

  /**
   * Audits a failed sign-in. It is installation-wide (no place): whose account was tried is not
   * looked up further, so that a failure costs the same whoever the email names.
   */
  private Optional<SignedIn> failed(String email, Optional<String> userId, Origin origin) {
    audit.record(
        AuditRecord.of(
            clock.instant(),
            Actor.anonymous(Optional.of(email)),
            Actions.USER_SIGN_IN_FAILED,
            Subject.of(Subject.USER, userId.orElse("")),
            Place.NONE,
            origin));
    return Optional.empty();
  }

  /**
   * The live session of this cookie value, its idle end moved on (the last use is written at most
   * once a {@link #TOUCH_INTERVAL}); empty when the token is unknown, the session ended, or its
   * user is gone.
   */
  public Optional<Session> session(Secret sessionToken) {
    byte[] digest = Tokens.digest(sessionToken);
    Optional<StoredSession> found = repository.findSession(digest);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    StoredSession stored = found.get();
    Instant now = clock.instant();
    if (!now.isBefore(end(stored.lastSeenAt(), stored.expiresAt()))) {
      repository.deleteSession(digest);
      return Optional.empty();
    }
    Optional<Caller> caller = tenancy.callerFor(stored.userId());
    if (caller.isEmpty()) {
      return Optional.empty();
    }
    Instant lastSeen = stored.lastSeenAt();
    if (!now.isBefore(lastSeen.plus(TOUCH_INTERVAL))) {
      repository.touchSession(stored.id(), now);
      lastSeen = now;
    }
    return Optional.of(new Session(stored.id(), caller.get(), end(lastSeen, stored.expiresAt())));
  }

  /** Ends the session of this cookie value; nothing happens when there is none. */
  public void signOut(Secret sessionToken) {
    repository.deleteSession(Tokens.digest(sessionToken));
  }

  /**
   * The anti-forgery value for forms of the session with this token: HMAC-SHA256 keyed with the
   * token over a fixed label, in base64url. Only who holds the session cookie can compute it, and
   * it does not reveal the token.
   */
  public static String csrfToken(Secret sessionToken) {
    if (sessionToken.reveal().isEmpty()) {
      throw new IllegalArgumentException("an empty session token has no CSRF token");
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(csrfBytes(sessionToken));
  }

  /**
   * Whether {@code presented} is the {@link #csrfToken} of this session, compared in constant time;
   * false for a missing value or an empty token.
   */
  public static boolean checkCsrf(Secret sessionToken, String presented) {
    if (presented == null || sessionToken.reveal().isEmpty()) {
      return false;
    }
    byte[] expected = csrfToken(sessionToken).getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] csrfBytes(Secret sessionToken) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(
          new SecretKeySpec(sessionToken.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(CSRF_LABEL.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is missing from this JVM", e);
    }
  }

  private SignedIn openSession(String userId) {
    Instant now = clock.instant();
    repository.deleteEndedSessions(Optional.of(userId), now, now.minus(SESSION_IDLE));
    Secret token = Tokens.generate();
    StoredSession stored = new StoredSession(Ids.newId(), userId, now, now, now.plus(SESSION_MAX));
    repository.insertSession(stored, Tokens.digest(token));
    Caller caller =
        tenancy.callerFor(userId).orElseThrow(() -> new NotFoundException("user", userId));
    return new SignedIn(token, new Session(stored.id(), caller, end(now, stored.expiresAt())));
  }

  /**
   * When a session last used at {@code lastSeen} ends: idle or at its absolute end, the earlier.
   */
  private static Instant end(Instant lastSeen, Instant absoluteEnd) {
    Instant idleEnd = lastSeen.plus(SESSION_IDLE);
    return idleEnd.isBefore(absoluteEnd) ? idleEnd : absoluteEnd;
  }

  // ---------------------------------------------------------------- setup links

  /** Whose a setup link is, and until when it may be used. */
  public record SetupLink(String email, Instant expiresAt) {}

  /** The user a valid (unused, unexpired) setup token belongs to; empty for any other token. */
  public Optional<SetupLink> setupLink(Secret token) {
    Instant now = clock.instant();
    return repository
        .findSetupLink(Tokens.digest(token))
        .filter(l -> usable(l, now))
        .map(l -> new SetupLink(l.email(), l.expiresAt()));
  }

  /**
   * Sets the password of the setup token's user (policy-checked), marks the token used, ends the
   * user's other sessions and unused setup links, and signs the user in. A token that is unknown,
   * used or expired fails with a {@link NotFoundException} saying the link expired or was used.
   */
  public SignedIn completeSetup(Secret token, Secret password) {
    return completeSetup(token, password, Origin.NONE);
  }

  /** {@link #completeSetup(Secret, Secret)} from {@code origin}, audited. */
  public SignedIn completeSetup(Secret token, Secret password, Origin origin) {
    byte[] digest = Tokens.digest(token);
    Instant now = clock.instant();
    StoredSetupLink link =
        repository
            .findSetupLink(digest)
            .filter(l -> usable(l, now))
            .orElseThrow(() -> NotFoundException.because(LINK_UNUSABLE));
    Passwords.checkPolicy(password);
    String hash = passwords.hash(password);
    return transactions.inTransaction(
        () -> {
          Instant at = clock.instant();
          // The compare-and-set decides between two uses of one link at once.
          if (!repository.useSetupLink(digest, at)) {
            throw NotFoundException.because(LINK_UNUSABLE);
          }
          repository.setPassword(link.userId(), hash, at);
          repository.deleteSessionsOf(link.userId());
          repository.deleteUnusedSetupLinksOf(link.userId());
          SignedIn signedIn = openSession(link.userId());
          Caller caller = signedIn.session().caller().from(origin);
          audit.record(
              caller
                  .audit(
                      at,
                      Actions.USER_PASSWORD_SET,
                      Subject.of(Subject.USER, link.userId()),
                      caller.homePlace())
                  .with("how", "setup link"));
          return signedIn;
        });
  }

  /** A user an admin added, with the one-time setup token to send them (shown once). */
  public record Invited(User user, Secret setupToken) {}

  /**
   * An admin adds a user by {@link TenancyService#createUser}'s rules (the caller must be an admin
   * at {@code at}; only a global admin may leave it out) and gets a one-time setup token for them.
   * The new user has no API key: it makes its own once signed in.
   */
  public Invited invite(Caller caller, String email, Optional<Location> at, Role role) {
    return transactions.inTransaction(
        () -> {
          User user = tenancy.createUserWithoutApiKey(caller, email, at, role);
          return new Invited(user, issueSetupLink(user.id()));
        });
  }

  /**
   * A new setup token for an existing user the caller administers (e.g. for a lost link); the
   * user's earlier unused links stop working. A user the caller cannot see is not found. The caller
   * must administer every place the user has a role (and only a global admin makes links for a
   * global admin): a link sets the password, and whoever sets it acts as the user everywhere.
   */
  public Secret newSetupLink(Caller caller, String userId) {
    User user = tenancy.user(caller, userId);
    Caller target =
        tenancy.callerFor(user.id()).orElseThrow(() -> new NotFoundException("user", userId));
    requireAdministers(caller, target);
    return transactions.inTransaction(
        () -> {
          Secret token = issueSetupLink(user.id());
          audit.record(
              caller.audit(
                  clock.instant(),
                  Actions.USER_SETUP_LINK_CREATED,
                  Subject.of(Subject.USER, user.id()),
                  target.homePlace()));
          return token;
        });
  }

  private static void requireAdministers(Caller caller, Caller target) {
    if (caller.globalAdmin()) {
      return;
    }
    String who = "user " + caller.user().email();
    if (target.globalAdmin()) {
      throw new ForbiddenException(
          who + " is not a global admin; only a global admin makes setup links for one");
    }
    boolean administersAll =
        !target.memberships().isEmpty()
            && target.memberships().stream().map(Membership::at).allMatch(caller::isAdminAt);
    if (!administersAll) {
      throw new ForbiddenException(
          who
              + " is not an admin of every place user "
              + target.user().id()
              + " has a role; an admin of all of them, or a global admin, makes its setup link");
    }
  }

  /** A new setup token for the user; its earlier unused ones stop working. */
  private Secret issueSetupLink(String userId) {
    repository.deleteUnusedSetupLinksOf(userId);
    Secret token = Tokens.generate();
    Instant now = clock.instant();
    repository.insertSetupLink(Tokens.digest(token), userId, now, now.plus(SETUP_LINK_LIFETIME));
    return token;
  }

  private static boolean usable(StoredSetupLink link, Instant now) {
    return link.usedAt().isEmpty() && now.isBefore(link.expiresAt());
  }
}
