package io.credflow.tenancy;

import io.credflow.audit.Actions;
import io.credflow.audit.Actor;
import io.credflow.audit.AuditRecord;
import io.credflow.audit.AuditScope;
import io.credflow.audit.AuditTrail;
import io.credflow.audit.Origin;
import io.credflow.audit.Place;
import io.credflow.audit.Subject;
import io.credflow.common.ConflictException;
import io.credflow.common.ForbiddenException;
import io.credflow.common.Ids;
import io.credflow.common.NotFoundException;
import io.credflow.common.Page;
import io.credflow.common.PageRequest;
import io.credflow.common.Paging;
import io.credflow.common.Secret;
import io.credflow.common.Transactions;
import io.credflow.common.ValidationException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Tenants, contracts, workspaces, users and memberships, with every access rule applied. */
public final class TenancyService {
  /** The global admin created on first start. */
  public static final String BOOTSTRAP_ADMIN_EMAIL = "admin@localhost";

  private static final Pattern EMAIL = Pattern.compile("^[^@\\s:]{1,64}@[^@\\s:]{1,255}$");
  public static final int MAX_NAME = 200;

  private final TenancyRepository repository;
  private final Transactions transactions;
  private final Clock clock;
  private final AuditTrail audit;

  /** Workspaces kept in memory; past this the cache starts over. */
  private static final int WORKSPACE_CACHE = 100_000;

  private final io.credflow.common.BoundedCache<String, Workspace> workspaces =
      new io.credflow.common.BoundedCache<>(WORKSPACE_CACHE);

  public TenancyService(TenancyRepository repository, Transactions transactions, Clock clock) {
    this(repository, transactions, clock, AuditTrail.NONE);
  }

  /** A tenancy whose changes of users, memberships and API keys go to {@code audit}. */
  public TenancyService(
      TenancyRepository repository, Transactions transactions, Clock clock, AuditTrail audit) {
    this.repository = repository;
    this.transactions = transactions;
    this.clock = clock;
    this.audit = audit;
  }

  /** The caller whose API key this is (and whose email matches, when one is given). */
  public Optional<Caller> authenticate(Optional<String> email, Secret apiKey) {
    byte[] digest = ApiKeys.digest(apiKey);
    java.nio.ByteBuffer key = java.nio.ByteBuffer.wrap(digest);
    long now = clock.millis();
    KnownCaller known = callers.get(key);
    Caller caller;
    if (known != null && known.freshAt(now)) {
      caller = known.caller();
    } else {
      Optional<Caller> found =
          repository
              .findPrincipalByKeyDigest(digest)
              .filter(p -> MessageDigest.isEqual(p.key().digest(), digest))
              .map(p -> new Caller(p.key().user(), p.memberships(), p.keyId(), Origin.NONE));
      if (found.isEmpty()) {
        callers.remove(key);
        return Optional.empty();
      }
      caller = found.get();
      callers.put(key, new KnownCaller(caller, now));
    }
    return Optional.of(caller)
        .filter(c -> email.map(e -> e.equalsIgnoreCase(c.user().email())).orElse(true));
  }

  /**
   * How long an authenticated caller (user and memberships) is reused without reading it again.
   * Every change of users or memberships made through this process empties the cache at once; one
   * made through another process is seen within this interval.
   */
  public static final java.time.Duration CALLER_RECHECK = java.time.Duration.ofSeconds(1);

  private static final long CALLER_RECHECK_MILLIS = CALLER_RECHECK.toMillis();

  private static final int CALLER_CACHE = 10_000;

  /** A caller read at {@code loadedAt} (epoch millis of the injected clock). */
  private record KnownCaller(Caller caller, long loadedAt) {
    /**
     * Whether the caller may still be reused at {@code now}. A clock that went back (a wall clock
     * corrected, a test clock set earlier) reads again rather than trust an entry from its future.
     */
    boolean freshAt(long now) {
      return now >= loadedAt && now - loadedAt < CALLER_RECHECK_MILLIS;
    }
  }

  private final io.credflow.common.BoundedCache<java.nio.ByteBuffer, KnownCaller> callers =
      new io.credflow.common.BoundedCache<>(CALLER_CACHE);

  /**
   * On an empty database, creates the global admin {@value #BOOTSTRAP_ADMIN_EMAIL} with {@code
   * fixedKey} or a new key, and returns the key to show once; empty when users already exist.
   */
  public Optional<Secret> bootstrapAdmin(Optional<Secret> fixedKey) {
    return transactions.inTransaction(
        () -> {
          if (repository.countUsers() > 0) {
            return Optional.<Secret>empty();
          }
          Secret key = fixedKey.orElseGet(ApiKeys::generate);
          User admin = new User(Ids.newId(), BOOTSTRAP_ADMIN_EMAIL, true, clock.instant(), 0);
          repository.insertUser(admin, ApiKeys.digest(key));
          audit.record(
              AuditRecord.of(
                  clock.instant(),
                  Actor.system("first-start"),
                  Actions.USER_CREATED,
                  Subject.of(Subject.USER, admin.id()),
                  Place.NONE,
                  Origin.NONE));
          return Optional.of(key);
        });
  }

  /** The user {@code userId} as a caller, for work done later on a user's behalf. */
  public Optional<Caller> callerFor(String userId) {
    return repository.findUser(userId).map(u -> new Caller(u, repository.membershipsOf(u.id())));
  }

  /** The bootstrap global admin as a caller, for seeding from the command line. */
  public Caller bootstrapAdminCaller() {
    User admin =
        repository
            .findUserByEmail(BOOTSTRAP_ADMIN_EMAIL)
            .orElseThrow(() -> new NotFoundException("user", BOOTSTRAP_ADMIN_EMAIL));
    return new Caller(admin, repository.membershipsOf(admin.id()));
  }

  public Tenant createTenant(Caller caller, String name) {
    if (!caller.globalAdmin()) {
      throw new ForbiddenException("only a global admin creates tenants");
    }
    Tenant tenant = new Tenant(Ids.newId(), checkName(name), clock.instant(), 0);
    repository.insertTenant(tenant);
    callers.clear();
    return repository.findTenant(tenant.id()).orElseThrow();
  }

  public Tenant tenant(Caller caller, String id) {
    return repository
        .findTenant(id)
        .filter(t -> caller.sees(t.location()))
        .orElseThrow(() -> new NotFoundException("tenant", id));
  }

  public Contract createContract(Caller caller, String tenantId, String name) {
    String checked = checkName(name);
    Tenant tenant =
        repository
            .findTenant(tenantId)
            .filter(t -> caller.sees(t.location()))
            .orElseThrow(() -> new NotFoundException("tenant", tenantId, "tenant"));
    requireAdmin(caller, tenant.location(), "tenant " + tenant.id());
    Contract contract = new Contract(Ids.newId(), tenant.id(), checked, clock.instant(), 0);
    repository.insertContract(contract);
    callers.clear();
    return repository.findContract(contract.id()).orElseThrow();
  }

  public Contract contract(Caller caller, String id) {
    return repository
        .findContract(id)
        .filter(c -> caller.sees(c.location()))
        .orElseThrow(() -> new NotFoundException("contract", id));
  }

  public Workspace createWorkspace(Caller caller, String contractId, String name) {
    String checked = checkName(name);
    Contract contract =
        repository
            .findContract(contractId)
            .filter(c -> caller.sees(c.location()))
            .orElseThrow(() -> new NotFoundException("contract", contractId, "contract"));
    requireAdmin(caller, contract.location(), "contract " + contract.id());
    Workspace ws =
        new Workspace(Ids.newId(), contract.id(), contract.tenantId(), checked, clock.instant(), 0);
    repository.insertWorkspace(ws);
    callers.clear();
    return repository.findWorkspace(ws.id()).orElseThrow();
  }

  /** The workspace, when the caller has a role in it (sees it as a member or admin). */
  public Workspace workspace(Caller caller, String id) {
    return findWorkspace(id)
        .filter(w -> caller.roleAt(w.location()).isPresent())
        .orElseThrow(() -> new NotFoundException("workspace", id));
  }

  /**
   * Looks a workspace up without access checks, for services that check access themselves.
   * Workspaces never change or go away once made, so a found one is kept in memory: every request
   * in a workspace needs it.
   */
  public Optional<Workspace> findWorkspace(String id) {
    Workspace known = workspaces.get(id);
    if (known != null) {
      return Optional.of(known);
    }
    Optional<Workspace> found = repository.findWorkspace(id);
    found.ifPresent(w -> workspaces.put(id, w));
    return found;
  }

  public Page<Workspace> workspaces(Caller caller, PageRequest page) {
    Optional<Set<String>> tenants =
        caller.globalAdmin() ? Optional.empty() : Optional.of(caller.tenantIds());
    if (tenants.isPresent() && tenants.get().isEmpty()) {
      return new Page<>(List.of(), Optional.empty());
    }
    List<Workspace> fetched =
        Paging.collect(
            page,
            (after, limit) -> repository.listWorkspaces(tenants, after, limit),
            w -> caller.roleAt(w.location()).isPresent(),
            Workspace::seq);
    return Page.of(fetched, page.size(), Workspace::seq);
  }

  /**
   * A new user with a new API key; the key is in the result and nowhere else, ever.
   *
   * <p>A user is created at a node ({@code at}: a tenant, contract or workspace where the caller is
   * an admin) and gets {@code role} there in the same transaction, so that it is never without a
   * place: it is seen by the admins of that node, and by no one of another tenant. Only a global
   * admin may create a user without a node (seen by global admins only until it is added
   * somewhere).
   *
   * <p>Emails are unique in the installation. One taken by a user the caller can see answers 409
   * naming it; one taken outside the caller's reach answers a 422 that says only that the address
   * cannot be used, never whose it is, where, or the user's id.
   */
  public NewUser createUser(Caller caller, String email, Optional<Location> at, Role role) {
    Secret key = ApiKeys.generate();
    User user = createUser(caller, email, at, role, Optional.of(key));
    return new NewUser(user, key);
  }

  /**
   * A new user without any API key, by the rules of {@link #createUser}: one who signs in with a
   * password and makes its own keys.
   */
  public User createUserWithoutApiKey(
      Caller caller, String email, Optional<Location> at, Role role) {
    return createUser(caller, email, at, role, Optional.empty());
  }

  private User createUser(
      Caller caller, String email, Optional<Location> at, Role role, Optional<Secret> key) {
    if (!caller.isAnyAdmin()) {
      throw new ForbiddenException("only admins create users");
    }
    String normalized = normalizeEmail(email);
    if (!EMAIL.matcher(normalized).matches()) {
      throw new ValidationException(
          "email", "invalid_email", "email must be an address like ada@example.com");
    }
    if (at.isPresent()) {
      requireAdmin(caller, at.get(), at.get().level().wireName() + " " + at.get().id());
    } else if (!caller.globalAdmin()) {
      throw new ValidationException(
          Level.TENANT.wireName(),
          "missing_relationship",
          "name the tenant, contract or workspace the new user joins (relationships.tenant,"
              + " contract or workspace), a node where you are an admin");
    }
    User user = new User(Ids.newId(), normalized, false, clock.instant(), 0);
    try {
      transactions.inTransaction(
          () -> {
            Optional<User> taken = repository.findUserByEmail(normalized);
            if (taken.isPresent()) {
              throw emailTaken(caller, taken.get());
            }
            key.ifPresentOrElse(
                k -> repository.insertUser(user, ApiKeys.digest(k)),
                () -> repository.insertUser(user));
            at.ifPresent(
                node ->
                    repository.upsertMembership(
                        new Membership(user.id(), node, role, clock.instant(), 0)));
            Place place = at.map(node -> Place.of(node.path())).orElse(Place.NONE);
            AuditRecord created =
                caller
                    .audit(
                        clock.instant(),
                        Actions.USER_CREATED,
                        Subject.of(Subject.USER, user.id()),
                        place)
                    .with("email", normalized);
            audit.record(at.map(node -> membershipDetail(created, node, role)).orElse(created));
          });
    } catch (ConflictException e) {
      if (e.code().equals(EMAIL_TAKEN)) {
        throw e;
      }
      // Another create of the same email won the race: its user is not one this caller knows of.
      throw emailUnavailable();
    }
    callers.clear();
    return repository.findUser(user.id()).orElseThrow();
  }

  /** An email as users are stored and looked up by: trimmed, lower case. */
  public static String normalizeEmail(String email) {
    return email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
  }

  /** The caller's own API keys, newest first, revoked ones included. */
  public List<ApiKey> apiKeys(Caller caller) {
    return repository.apiKeysOf(caller.user().id());
  }

  /**
   * A new API key of the caller's own, named {@code name} (checked as {@link #checkName}); the key
   * is in the result and nowhere else, ever.
   */
  public NewApiKey createApiKey(Caller caller, String name) {
    String checked = checkName(name);
    Secret secret = ApiKeys.generate();
    ApiKey key = new ApiKey(Ids.newId(), checked, clock.instant(), Optional.empty());
    repository.insertApiKey(caller.user().id(), key, ApiKeys.digest(secret));
    audit.record(
        caller
            .audit(
                clock.instant(),
                Actions.API_KEY_CREATED,
                Subject.of(Subject.API_KEY, key.id()),
                caller.homePlace())
            .with("name", checked));
    // As stored (times to the microsecond), so that it equals the key as listed later.
    ApiKey stored =
        repository.apiKeysOf(caller.user().id()).stream()
            .filter(k -> k.id().equals(key.id()))
            .findFirst()
            .orElseThrow();
    return new NewApiKey(stored, secret);
  }

  /**
   * Revokes one of the caller's own API keys: from now on it authenticates nowhere in this process,
   * and in other processes within {@link #CALLER_RECHECK}. Revoking a revoked key changes nothing.
   * A key of another user answers the same as an unknown one.
   */
  public void revokeApiKey(Caller caller, String keyId) {
    byte[] digest =
        repository
            .revokeApiKey(caller.user().id(), keyId, clock.instant())
            .orElseThrow(() -> new NotFoundException("API key", keyId));
    callers.remove(java.nio.ByteBuffer.wrap(digest));
    audit.record(
        caller.audit(
            clock.instant(),
            Actions.API_KEY_REVOKED,
            Subject.of(Subject.API_KEY, keyId),
            caller.homePlace()));
  }

  private static final String EMAIL_TAKEN = "email_taken";

  private RuntimeException emailTaken(Caller caller, User existing) {
    if (visibleTo(caller, existing)) {
      return new ConflictException(
          EMAIL_TAKEN,
          "user " + existing.id() + " already has the email " + existing.email(),
          "email");
    }
    return emailUnavailable();
  }

  private static ValidationException emailUnavailable() {
    return new ValidationException(
        "email",
        "email_unavailable",
        "this email cannot be used for a new user; choose another address, or ask a global admin"
            + " to add the person's existing user where you need it");
  }

  /** A user, as seen by the user itself or an admin who may manage its memberships. */
  public User user(Caller caller, String id) {
    return repository
        .findUser(id)
        .filter(u -> visibleTo(caller, u))
        .orElseThrow(() -> new NotFoundException("user", id));
  }

  /**
   * Whether the caller may know that {@code user} exists: it is the caller, the caller is a global
   * admin, or an admin of a node where the user has a role. A user with no role anywhere (created
   * by a global admin, or whose last membership ended) is seen by global admins only: an admin of
   * one tenant never sees, nor claims, a user of another, exactly as an unknown one.
   */
  private boolean visibleTo(Caller caller, User user) {
    if (caller.globalAdmin() || user.id().equals(caller.user().id())) {
      return true;
    }
    if (!caller.isAnyAdmin()) {
      return false;
    }
    return repository.membershipsOf(user.id()).stream().anyMatch(m -> caller.isAdminAt(m.at()));
  }

  public Membership addMember(Caller caller, Location at, String userId, Role role) {
    requireAdmin(caller, at, at.level().wireName() + " " + at.id());
    User user =
        repository
            .findUser(userId)
            .filter(u -> visibleTo(caller, u))
            .orElseThrow(() -> new NotFoundException("user", userId, "user"));
    Membership membership = new Membership(user.id(), at, role, clock.instant(), 0);
    repository.upsertMembership(membership);
    callers.clear();
    audit.record(
        membershipDetail(
            caller.audit(
                clock.instant(),
                Actions.MEMBERSHIP_GRANTED,
                Subject.of(Subject.USER, user.id()),
                Place.of(at.path())),
            at,
            role));
    return repository.membersAt(at).stream()
        .filter(m -> m.userId().equals(user.id()))
        .findFirst()
        .orElseThrow();
  }

  public List<Membership> members(Caller caller, Location at) {
    if (caller.roleAt(at).isEmpty()) {
      throw new NotFoundException(at.level().wireName(), at.id());
    }
    return repository.membersAt(at);
  }

  public void removeMember(Caller caller, Location at, String userId) {
    requireAdmin(caller, at, at.level().wireName() + " " + at.id());
    if (!repository.deleteMembership(userId, at.id())) {
      throw new NotFoundException("membership of user", userId);
    }
    callers.clear();
    audit.record(
        caller
            .audit(
                clock.instant(),
                Actions.MEMBERSHIP_REVOKED,
                Subject.of(Subject.USER, userId),
                Place.of(at.path()))
            .with(at.level().wireName(), at.id()));
  }

  private static AuditRecord membershipDetail(AuditRecord record, Location at, Role role) {
    return record.with(at.level().wireName(), at.id()).with("role", role.wireName());
  }

  /**
   * What of the audit trail the caller may read: all of it as a global admin; else the records of
   * the nodes it administers (a tenant admin its tenant, a workspace admin its workspace). A caller
   * who administers nothing reads none of it (403).
   */
  public AuditScope auditScope(Caller caller) {
    if (caller.globalAdmin()) {
      return new AuditScope.Everything();
    }
    List<List<String>> administered =
        caller.memberships().stream()
            .filter(m -> m.role() == Role.ADMIN)
            .map(m -> m.at().path())
            .toList();
    if (administered.isEmpty()) {
      throw new ForbiddenException(
          "user "
              + caller.user().email()
              + " is not an admin anywhere; the audit trail is read by admins (of a tenant,"
              + " contract or workspace, each within it) and installation admins");
    }
    return new AuditScope.Within(administered);
  }

  /** Resolves a node the caller can see to its location, for member routes. */
  public Location locate(Caller caller, Level level, String id) {
    return locate(caller, level, id, null);
  }

  /**
   * Resolves a node named by the command's {@code field} to its location; a node the caller cannot
   * see is not found, the same as one that does not exist.
   */
  public Location locate(Caller caller, Level level, String id, String field) {
    Optional<Location> location =
        switch (level) {
          case TENANT -> repository.findTenant(id).map(Tenant::location);
          case CONTRACT -> repository.findContract(id).map(Contract::location);
          case WORKSPACE -> repository.findWorkspace(id).map(Workspace::location);
        };
    return location
        .filter(caller::sees)
        .orElseThrow(() -> new NotFoundException(level.wireName(), id, field));
  }

  private static void requireAdmin(Caller caller, Location at, String what) {
    Access.requireAdmin(caller, at, what);
  }

  /** A checked resource name: present, not blank, at most {@value #MAX_NAME} characters. */
  public static String checkName(String name) {
    if (name == null || name.isBlank()) {
      throw new ValidationException(
          "name", "missing_name", "name is required and must not be blank");
    }
    if (name.length() > MAX_NAME) {
      throw new ValidationException(
          "name",
          "name_too_long",
          "name must be at most " + MAX_NAME + " characters, was " + name.length());
    }
    return name;
  }

  /** A newly created user with its API key, the only time the key exists outside a digest. */
  public record NewUser(User user, Secret apiKey) {}

  /** A newly created API key with the key itself, the only time it exists outside a digest. */
  public record NewApiKey(ApiKey key, Secret secret) {}
}
