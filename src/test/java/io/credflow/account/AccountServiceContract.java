package io.credflow.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.credflow.account.AccountService.Invited;
import io.credflow.account.AccountService.Session;
import io.credflow.account.AccountService.SignedIn;
import io.credflow.common.ForbiddenException;
import io.credflow.common.NotFoundException;
import io.credflow.common.Secret;
import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import io.credflow.store.Database;
import io.credflow.store.JdbcAccountRepository;
import io.credflow.store.JdbcTenancyRepository;
import io.credflow.tenancy.Caller;
import io.credflow.tenancy.Contract;
import io.credflow.tenancy.Role;
import io.credflow.tenancy.TenancyService;
import io.credflow.tenancy.Tenant;
import io.credflow.tenancy.Workspace;
import io.credflow.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Sign-in, sessions, setup links, invitations and the bootstrap admin's password, on the real
 * repositories of each database Credflow runs on (a subclass per database), with a clock the tests
 * move. One database per subclass: every test makes its own tenant and people; the tests of the
 * bootstrap admin first take its password and links away.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AccountServiceContract {
  private static final Secret PASSWORD = Secret.of("correct horse battery staple");
  private static final Secret OTHER_PASSWORD = Secret.of("another fine passphrase");

  private Database database;
  private final SettableClock clock = new SettableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private TenancyService tenancy;
  private AccountService accounts;
  private Caller globalAdmin;

  protected abstract Database openDatabase();

  protected abstract void dropDatabase();

  @BeforeAll
  void openAndMigrate() {
    database = openDatabase();
    database.migrate();
    tenancy =
        new TenancyService(new JdbcTenancyRepository(database.jdbc()), database.jdbc(), clock);
    accounts =
        new AccountService(
            new JdbcAccountRepository(database.jdbc()), tenancy, database.jdbc(), clock);
    tenancy.bootstrapAdmin(Optional.empty());
    globalAdmin = tenancy.bootstrapAdminCaller();
  }

  @AfterAll
  void closeAndDrop() {
    if (database != null) {
      database.close();
    }
    dropDatabase();
  }

  // ---------------------------------------------------------------- sign-in

  @Test
  void signInWhenThePasswordIsRightThenASessionActingAsTheUser() {
    Person ada = person(Role.MEMBER);

    SignedIn signedIn =
        accounts
            .signIn("  " + ada.email().toUpperCase(java.util.Locale.ROOT), PASSWORD)
            .orElseThrow();

    assertThat(signedIn.session().caller().user().id()).isEqualTo(ada.id());
    assertThat(signedIn.session().expiresAt())
        .isEqualTo(clock.instant().plus(AccountService.SESSION_IDLE));
    Session read = accounts.session(signedIn.sessionToken()).orElseThrow();
    assertThat(read.id()).isEqualTo(signedIn.session().id());
    assertThat(read.caller().user().email()).isEqualTo(ada.email());
    assertThat(read.caller().memberships()).hasSize(1);
  }

  @Test
  void signInWhenThePasswordIsWrongThenEmpty() {
    Person ada = person(Role.MEMBER);
    assertThat(accounts.signIn(ada.email(), OTHER_PASSWORD)).isEmpty();
    assertThat(accounts.signIn(ada.email(), Secret.of(""))).isEmpty();
    assertThat(accounts.signIn(ada.email(), Secret.of("x".repeat(100_000)))).isEmpty();
  }

  @Test
  void signInWhenTheEmailIsUnknownOrHasNoPasswordThenEmpty() {
    Invited invited = invite(tenant(), Role.MEMBER);
    assertThat(accounts.signIn("nobody-" + UUID.randomUUID() + "@example.com", PASSWORD)).isEmpty();
    assertThat(accounts.signIn(invited.user().email(), PASSWORD)).isEmpty();
    assertThat(accounts.signIn(null, PASSWORD)).isEmpty();
  }

  @Test
  void signInWhenTheEmailIsUnknownThenItTakesAboutAsLongAsAWrongPassword() {
    Person ada = person(Role.MEMBER);
    String unknown = "nobody-" + UUID.randomUUID() + "@example.com";
    accounts.signIn(unknown, OTHER_PASSWORD); // makes the decoy hash once
    long wrong = Long.MAX_VALUE;
    long missing = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      long t0 = System.nanoTime();
      accounts.signIn(ada.email(), OTHER_PASSWORD);
      long t1 = System.nanoTime();
      accounts.signIn(unknown, OTHER_PASSWORD);
      long t2 = System.nanoTime();
      wrong = Math.min(wrong, t1 - t0);
      missing = Math.min(missing, t2 - t1);
    }
    // One Argon2 verification each (tens of milliseconds); a skipped one would take a database
    // read only. The bound is loose so that a busy machine does not fail it.
    assertThat(missing).isGreaterThan(wrong / 5);
  }

  // ---------------------------------------------------------------- sessions

  @Test
  void sessionWhenUsedWithinTheIdleLifetimeThenItsEndSlides() {
    Person ada = person(Role.MEMBER);
    SignedIn signedIn = accounts.signIn(ada.email(), PASSWORD).orElseThrow();

    clock.advance(Duration.ofHours(11));
    Session later = accounts.session(signedIn.sessionToken()).orElseThrow();
    assertThat(later.expiresAt()).isEqualTo(clock.instant().plus(AccountService.SESSION_IDLE));

    clock.advance(Duration.ofHours(11));
    assertThat(accounts.session(signedIn.sessionToken())).as("22 h after sign-in").isPresent();
  }

  @Test
  void sessionWhenUnusedForTheIdleLifetimeThenEnded() {
    Person ada = person(Role.MEMBER);
    SignedIn signedIn = accounts.signIn(ada.email(), PASSWORD).orElseThrow();

    clock.advance(AccountService.SESSION_IDLE.minusSeconds(1));
    assertThat(accounts.session(signedIn.sessionToken())).isPresent();
    clock.advance(AccountService.SESSION_IDLE);

    assertThat(accounts.session(signedIn.sessionToken())).isEmpty();
    assertThat(sessionRow(signedIn)).as("deleted when found ended").isZero();
  }

  @Test
  void sessionWhenTheAbsoluteLifetimePassedThenEndedHoweverOftenUsed() {
    Person ada = person(Role.MEMBER);
    SignedIn signedIn = accounts.signIn(ada.email(), PASSWORD).orElseThrow();
    Instant end = clock.instant().plus(AccountService.SESSION_MAX);

    while (clock.instant().plus(Duration.ofHours(10)).isBefore(end)) {
      clock.advance(Duration.ofHours(10));
      Session s = accounts.session(signedIn.sessionToken()).orElseThrow();
      assertThat(s.expiresAt()).isBeforeOrEqualTo(end);
    }
    assertThat(accounts.session(signedIn.sessionToken()).orElseThrow().expiresAt()).isEqualTo(end);
    clock.set(end);

    assertThat(accounts.session(signedIn.sessionToken())).isEmpty();
  }

  @Test
  void sessionWhenReadWithinAMinuteThenItsLastUseIsWrittenOnlyOnce() {
    Person ada = person(Role.MEMBER);
    Instant signedInAt = clock.instant();
    SignedIn signedIn = accounts.signIn(ada.email(), PASSWORD).orElseThrow();

    clock.advance(Duration.ofSeconds(59));
    accounts.session(signedIn.sessionToken()).orElseThrow();
    assertThat(lastSeen(signedIn)).isEqualTo(signedInAt);

    Instant minuteLater = clock.advance(Duration.ofSeconds(1));
    accounts.session(signedIn.sessionToken()).orElseThrow();
    assertThat(lastSeen(signedIn)).isEqualTo(minuteLater);
  }

  @Test
  void sessionWhenAMembershipIsRemovedThenTheNextReadActsWithoutIt() {
    Tenant t = tenant();
    Person ada = person(t, Role.MEMBER);
    SignedIn signedIn = accounts.signIn(ada.email(), PASSWORD).orElseThrow();
    assertThat(signedIn.session().caller().roleAt(t.location())).contains(Role.MEMBER);

    tenancy.removeMember(globalAdmin, t.location(), ada.id());

    Caller now = accounts.session(signedIn.sessionToken()).orElseThrow().caller();
    assertThat(now.roleAt(t.location())).isEmpty();
    assertThat(now.memberships()).isEmpty();
  }

  @Test
  void signOutWhenDoneThenThatTokenOpensNothingAndOtherSessionsStay() {
    Person ada = person(Role.MEMBER);
    SignedIn laptop = accounts.signIn(ada.email(), PASSWORD).orElseThrow();
    SignedIn phone = accounts.signIn(ada.email(), PASSWORD).orElseThrow();

    accounts.signOut(laptop.sessionToken());
    accounts.signOut(laptop.sessionToken());

    assertThat(accounts.session(laptop.sessionToken())).isEmpty();
    assertThat(accounts.session(phone.sessionToken())).isPresent();
    assertThat(accounts.session(Secret.of("not-a-session"))).isEmpty();
  }

  @Test
  void sessionTokensWhenIssuedThenTheyAreLongRandomAndNeverPrinted() {
    Person ada = person(Role.MEMBER);
    SignedIn a = accounts.signIn(ada.email(), PASSWORD).orElseThrow();
    SignedIn b = accounts.signIn(ada.email(), PASSWORD).orElseThrow();
    String token = a.sessionToken().reveal();

    assertThat(token).matches("[A-Za-z0-9_-]{43}");
    assertThat(token).isNotEqualTo(b.sessionToken().reveal());
    assertThat(a.toString()).doesNotContain(token);
    assertThat(a.session().toString()).doesNotContain(token);
    assertThat(a.session().id()).isNotEqualTo(token);
  }

  // ---------------------------------------------------------------- CSRF

  @Test
  void csrfTokenWhenDerivedThenStablePerSessionAndCheckedOnlyForIt() {
    Secret session = Secret.of("session-token-one");
    Secret other = Secret.of("session-token-two");
    String csrf = AccountService.csrfToken(session);

    assertThat(AccountService.csrfToken(session)).isEqualTo(csrf);
    assertThat(csrf).matches("[A-Za-z0-9_-]{43}").doesNotContain(session.reveal());
    assertThat(AccountService.csrfToken(other)).isNotEqualTo(csrf);
    assertThat(AccountService.checkCsrf(session, csrf)).isTrue();
    assertThat(AccountService.checkCsrf(other, csrf)).isFalse();
    assertThat(AccountService.checkCsrf(session, csrf.substring(1))).isFalse();
    assertThat(AccountService.checkCsrf(session, csrf + "x")).isFalse();
    assertThat(AccountService.checkCsrf(session, null)).isFalse();
    assertThat(AccountService.checkCsrf(session, "")).isFalse();
    assertThat(AccountService.checkCsrf(Secret.of(""), "")).isFalse();
  }

  // ---------------------------------------------------------------- setup links

  @Test
  void setupLinkWhenValidThenItNamesItsUserAndItsEnd() {
    Invited invited = invite(tenant(), Role.MEMBER);
    assertThat(accounts.setupLink(invited.setupToken()))
        .contains(
            new AccountService.SetupLink(
                invited.user().email(), clock.instant().plus(AccountService.SETUP_LINK_LIFETIME)));
    assertThat(accounts.setupLink(Secret.of("unknown-token"))).isEmpty();
  }

  @Test
  void completeSetupWhenTheLinkIsUsedAgainThenRefusedAsExpiredOrUsed() {
    Invited invited = invite(tenant(), Role.MEMBER);
    SignedIn first = accounts.completeSetup(invited.setupToken(), PASSWORD);
    assertThat(first.session().caller().user().id()).isEqualTo(invited.user().id());
    assertThat(accounts.session(first.sessionToken())).isPresent();

    assertThatThrownBy(() -> accounts.completeSetup(invited.setupToken(), OTHER_PASSWORD))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("expired or was used")
        .hasMessageNotContaining(invited.setupToken().reveal());
    assertThat(accounts.setupLink(invited.setupToken())).isEmpty();
    assertThat(accounts.signIn(invited.user().email(), PASSWORD)).isPresent();
    assertThat(accounts.signIn(invited.user().email(), OTHER_PASSWORD)).isEmpty();
  }

  @Test
  void setupLinkWhenItsLifetimePassedThenExpired() {
    Invited invited = invite(tenant(), Role.MEMBER);
    clock.advance(AccountService.SETUP_LINK_LIFETIME.minusSeconds(1));
    assertThat(accounts.setupLink(invited.setupToken())).isPresent();

    clock.advance(Duration.ofSeconds(1));

    assertThat(accounts.setupLink(invited.setupToken())).isEmpty();
    assertThatThrownBy(() -> accounts.completeSetup(invited.setupToken(), PASSWORD))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("expired or was used");
  }

  @Test
  void completeSetupWhenThePasswordIsTooShortThenAViolationOnPasswordAndTheLinkStillWorks() {
    Invited invited = invite(tenant(), Role.MEMBER);

    assertThatThrownBy(() -> accounts.completeSetup(invited.setupToken(), Secret.of("short-pw")))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e ->
                assertThat(e.violations()).extracting(Violation::field).containsExactly("password"))
        .hasMessageContaining("at least 12 characters")
        .hasMessageNotContaining("short-pw");

    assertThat(accounts.setupLink(invited.setupToken())).isPresent();
    assertThat(accounts.completeSetup(invited.setupToken(), PASSWORD)).isNotNull();
  }

  @Test
  void completeSetupWhenTheUserHadSessionsThenTheyEndAndOnlyTheNewOneLives() {
    Person ada = person(Role.MEMBER);
    SignedIn before = accounts.signIn(ada.email(), PASSWORD).orElseThrow();
    Secret link = accounts.newSetupLink(globalAdmin, ada.id());

    SignedIn after = accounts.completeSetup(link, OTHER_PASSWORD);

    assertThat(accounts.session(before.sessionToken())).isEmpty();
    assertThat(accounts.session(after.sessionToken())).isPresent();
    assertThat(accounts.signIn(ada.email(), PASSWORD)).isEmpty();
    assertThat(accounts.signIn(ada.email(), OTHER_PASSWORD)).isPresent();
  }

  @Test
  void newSetupLinkWhenIssuedThenTheUsersEarlierUnusedLinkStopsWorking() {
    Tenant t = tenant();
    Invited invited = invite(t, Role.MEMBER);

    Secret again = accounts.newSetupLink(tenantAdmin(t).caller(), invited.user().id());

    assertThat(accounts.setupLink(invited.setupToken())).isEmpty();
    assertThat(accounts.setupLink(again)).isPresent();
  }

  @Test
  void newSetupLinkWhenTheUserHasARoleWhereTheCallerIsNoAdminThenForbidden() {
    Tenant t = tenant();
    Tenant elsewhere = tenant();
    Person ada = person(t, Role.MEMBER);
    tenancy.addMember(globalAdmin, elsewhere.location(), ada.id(), Role.ADMIN);

    assertThatThrownBy(() -> accounts.newSetupLink(tenantAdmin(t).caller(), ada.id()))
        .isInstanceOf(ForbiddenException.class)
        .hasMessageNotContaining(elsewhere.id());
    assertThat(accounts.newSetupLink(globalAdmin, ada.id())).isNotNull();
  }

  @Test
  void newSetupLinkWhenTheCallerCannotSeeTheUserOrIsNoAdminThenNotFoundOrForbidden() {
    Person ada = person(tenant(), Role.MEMBER);
    Tenant other = tenant();
    Person member = person(other, Role.MEMBER);

    assertThatThrownBy(() -> accounts.newSetupLink(tenantAdmin(other).caller(), ada.id()))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> accounts.newSetupLink(member.caller(), member.id()))
        .isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(() -> accounts.newSetupLink(globalAdmin, "0123456789abcdef01234567"))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void newSetupLinkWhenTheUserIsAGlobalAdminThenOnlyAGlobalAdminMakesOne() {
    Tenant t = tenant();
    tenancy.addMember(globalAdmin, t.location(), globalAdmin.user().id(), Role.MEMBER);
    try {
      assertThatThrownBy(
              () -> accounts.newSetupLink(tenantAdmin(t).caller(), globalAdmin.user().id()))
          .isInstanceOf(ForbiddenException.class)
          .hasMessageContaining("global admin");
    } finally {
      tenancy.removeMember(globalAdmin, t.location(), globalAdmin.user().id());
    }
  }

  // ---------------------------------------------------------------- invitations

  @Test
  void inviteWhenTheCallerIsAnAdminThenTheUserHasARoleNoApiKeyAndALinkThatSetsItsPassword() {
    Tenant t = tenant();
    Workspace w = workspace(t);
    Caller admin = tenantAdmin(t).caller();

    Invited invited = accounts.invite(admin, email(), Optional.of(w.location()), Role.MEMBER);

    Caller asInvited = tenancy.callerFor(invited.user().id()).orElseThrow();
    assertThat(asInvited.roleAt(w.location())).contains(Role.MEMBER);
    assertThat(tenancy.apiKeys(asInvited)).isEmpty();
    assertThat(invited.toString()).doesNotContain(invited.setupToken().reveal());
    accounts.completeSetup(invited.setupToken(), PASSWORD);
    assertThat(accounts.signIn(invited.user().email(), PASSWORD)).isPresent();
  }

  @Test
  void inviteWhenTheCallerIsNoAdminThereThenForbiddenAndNoUserIsMade() {
    Tenant t = tenant();
    Person member = person(t, Role.MEMBER);
    Caller otherAdmin = tenantAdmin(tenant()).caller();
    String email = email();

    assertThatThrownBy(
            () -> accounts.invite(member.caller(), email, Optional.of(t.location()), Role.MEMBER))
        .isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(
            () -> accounts.invite(otherAdmin, email, Optional.of(t.location()), Role.MEMBER))
        .isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(() -> accounts.invite(otherAdmin, email, Optional.empty(), Role.MEMBER))
        .isInstanceOf(ValidationException.class);
    assertThat(accounts.signIn(email, PASSWORD)).isEmpty();
    assertThat(accounts.invite(globalAdmin, email, Optional.empty(), Role.MEMBER).user().email())
        .as("the address was not taken by a failed invitation")
        .isEqualTo(email);
  }

  // ---------------------------------------------------------------- bootstrap admin

  @Test
  void prepareAdminWhenNoPasswordIsGivenThenASetupLinkAndEachNewOneEndsTheLast() {
    resetAdmin();

    Secret first = accounts.prepareAdmin(Optional.empty()).orElseThrow();
    assertThat(accounts.setupLink(first).orElseThrow().email())
        .isEqualTo(TenancyService.BOOTSTRAP_ADMIN_EMAIL);
    Secret second = accounts.prepareAdmin(Optional.empty()).orElseThrow();

    assertThat(accounts.setupLink(first)).isEmpty();
    assertThat(accounts.setupLink(second)).isPresent();
  }

  @Test
  void prepareAdminWhenTheSetupLinkWasUsedThenNoLinkAnyMore() {
    resetAdmin();
    Secret link = accounts.prepareAdmin(Optional.empty()).orElseThrow();

    accounts.completeSetup(link, PASSWORD);

    assertThat(accounts.prepareAdmin(Optional.empty())).isEmpty();
    assertThat(accounts.signIn(TenancyService.BOOTSTRAP_ADMIN_EMAIL, PASSWORD)).isPresent();
  }

  @Test
  void prepareAdminWhenAPasswordIsGivenThenTheAdminSignsInWithItAndEarlierLinksStopWorking() {
    resetAdmin();
    Secret link = accounts.prepareAdmin(Optional.empty()).orElseThrow();

    assertThat(accounts.prepareAdmin(Optional.of(PASSWORD))).isEmpty();

    SignedIn admin = accounts.signIn(TenancyService.BOOTSTRAP_ADMIN_EMAIL, PASSWORD).orElseThrow();
    assertThat(admin.session().caller().globalAdmin()).isTrue();
    assertThat(accounts.setupLink(link)).isEmpty();
  }

  @Test
  void prepareAdminWhenTheAdminHasAPasswordThenNeitherAPasswordNorALinkChangesIt() {
    resetAdmin();
    accounts.prepareAdmin(Optional.of(PASSWORD));

    assertThat(accounts.prepareAdmin(Optional.of(OTHER_PASSWORD))).isEmpty();
    assertThat(accounts.prepareAdmin(Optional.empty())).isEmpty();

    assertThat(accounts.signIn(TenancyService.BOOTSTRAP_ADMIN_EMAIL, PASSWORD)).isPresent();
    assertThat(accounts.signIn(TenancyService.BOOTSTRAP_ADMIN_EMAIL, OTHER_PASSWORD)).isEmpty();
  }

  @Test
  void prepareAdminWhenThePasswordBreaksThePolicyThenAViolationOnPassword() {
    resetAdmin();
    assertThatThrownBy(() -> accounts.prepareAdmin(Optional.of(Secret.of("too-short"))))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> assertThat(e.violations().get(0).field()).isEqualTo("password"))
        .hasMessageNotContaining("too-short");
  }

  @Test
  void sweepWhenSessionsEndedAndLinksExpiredThenTheyAreDeleted() {
    Person ada = person(Role.MEMBER);
    SignedIn signedIn = accounts.signIn(ada.email(), PASSWORD).orElseThrow();
    Invited invited = invite(tenant(), Role.MEMBER);
    clock.advance(AccountService.SESSION_MAX);

    assertThat(accounts.sweep()).isGreaterThanOrEqualTo(2);

    assertThat(sessionRows(ada.id())).isZero();
    assertThat(linkRows(invited.user().id())).isZero();
    assertThat(accounts.session(signedIn.sessionToken())).isEmpty();
  }

  @Test
  void storageWhenPasswordsAndTokensAreWrittenThenNoAccountTableHoldsOneInPlaintext()
      throws java.sql.SQLException {
    Secret password = Secret.of("canary-password-" + UUID.randomUUID());
    Invited used = invite(tenant(), Role.MEMBER);
    accounts.completeSetup(used.setupToken(), password);
    SignedIn signedIn = accounts.signIn(used.user().email(), password).orElseThrow();
    Invited unused = invite(tenant(), Role.MEMBER);
    java.util.List<String> canaries =
        java.util.List.of(
            password.reveal(),
            signedIn.sessionToken().reveal(),
            used.setupToken().reveal(),
            unused.setupToken().reveal(),
            AccountService.csrfToken(signedIn.sessionToken()));

    StringBuilder stored = new StringBuilder();
    try (java.sql.Connection c = database.dataSource().getConnection();
        java.sql.Statement st = c.createStatement()) {
      for (String table :
          new String[] {"users", "api_keys", "user_passwords", "sessions", "setup_links"}) {
        try (java.sql.ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
          while (rs.next()) {
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
              Object value = rs.getObject(i);
              stored
                  .append(
                      value instanceof byte[] bytes
                          ? new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1)
                          : String.valueOf(value))
                  .append('|');
            }
          }
        }
      }
    }
    assertThat(stored.toString()).contains(used.user().email()).contains("$argon2id$");
    for (String canary : canaries) {
      assertThat(stored.toString()).doesNotContain(canary);
    }
  }

  // ---------------------------------------------------------------- helpers

  /** A user with a role and a password set through its setup link. */
  private record Person(String id, String email, Caller caller) {}

  private Person person(Role role) {
    return person(tenant(), role);
  }

  private Person person(Tenant at, Role role) {
    Invited invited = invite(at, role);
    accounts.completeSetup(invited.setupToken(), PASSWORD);
    return new Person(
        invited.user().id(),
        invited.user().email(),
        tenancy.callerFor(invited.user().id()).orElseThrow());
  }

  private Person tenantAdmin(Tenant t) {
    return person(t, Role.ADMIN);
  }

  private Invited invite(Tenant at, Role role) {
    return accounts.invite(globalAdmin, email(), Optional.of(at.location()), role);
  }

  private Tenant tenant() {
    return tenancy.createTenant(globalAdmin, "tenant " + UUID.randomUUID());
  }

  private Workspace workspace(Tenant t) {
    Contract c = tenancy.createContract(globalAdmin, t.id(), "contract");
    return tenancy.createWorkspace(globalAdmin, c.id(), "workspace");
  }

  private static String email() {
    return "person-" + UUID.randomUUID() + "@example.com";
  }

  /** The bootstrap admin as on first start: no password, no setup link. */
  private void resetAdmin() {
    String id = globalAdmin.user().id();
    database.jdbc().update("DELETE FROM user_passwords WHERE user_id = ?", id);
    database.jdbc().update("DELETE FROM setup_links WHERE user_id = ?", id);
  }

  private Instant lastSeen(SignedIn signedIn) {
    return database
        .jdbc()
        .queryOne(
            "SELECT last_seen_at FROM sessions WHERE id = ?",
            rs -> io.credflow.store.Jdbc.instant(rs, "last_seen_at"),
            signedIn.session().id())
        .orElseThrow();
  }

  private long sessionRow(SignedIn signedIn) {
    return database
        .jdbc()
        .queryOne(
            "SELECT COUNT(*) AS n FROM sessions WHERE id = ?",
            rs -> rs.getLong("n"),
            signedIn.session().id())
        .orElse(0L);
  }

  private long sessionRows(String userId) {
    return rows("sessions", userId);
  }

  private long linkRows(String userId) {
    return rows("setup_links", userId);
  }

  private long rows(String table, String userId) {
    return database
        .jdbc()
        .queryOne(
            "SELECT COUNT(*) AS n FROM " + table + " WHERE user_id = ?",
            rs -> rs.getLong("n"),
            userId)
        .orElse(0L);
  }
}
