package io.credflow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.credflow.audit.Actor;
import io.credflow.audit.AuditRecord;
import io.credflow.audit.Origin;
import io.credflow.audit.Place;
import io.credflow.audit.Subject;
import io.credflow.authclient.ApiKeySettings;
import io.credflow.authclient.AuthClient;
import io.credflow.authclient.AuthClientSettings;
import io.credflow.authclient.BasicSettings;
import io.credflow.authclient.InstagramSettings;
import io.credflow.authclient.NoAuthSettings;
import io.credflow.authclient.OAuth2Settings;
import io.credflow.authclient.VerifyRequest;
import io.credflow.common.ConflictException;
import io.credflow.common.Ids;
import io.credflow.common.Secret;
import io.credflow.component.AuthClientType;
import io.credflow.component.Component;
import io.credflow.component.Descriptor;
import io.credflow.component.DescriptorParser;
import io.credflow.credential.Credential;
import io.credflow.credential.CredentialError;
import io.credflow.credential.CredentialEvent;
import io.credflow.credential.CredentialRepository;
import io.credflow.credential.CredentialSecrets;
import io.credflow.credential.CredentialState;
import io.credflow.credential.Verification;
import io.credflow.crypto.Keyring;
import io.credflow.tenancy.ApiKey;
import io.credflow.tenancy.Contract;
import io.credflow.tenancy.Location;
import io.credflow.tenancy.Membership;
import io.credflow.tenancy.Role;
import io.credflow.tenancy.TenancyRepository.UserKey;
import io.credflow.tenancy.Tenant;
import io.credflow.tenancy.User;
import io.credflow.tenancy.Workspace;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The contract every database Credflow runs on must keep, run against each by a subclass: round
 * trips of every field, creation order and paging, filters, links, counts, deletes, conflicts,
 * compare-and-set and transactions. One database per subclass; every test makes its own rows (ids
 * are random), and lists are read from a position taken at the start of the test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RepositoryContract {
  /** A time with all six fractional digits used, so that a lost microsecond shows. */
  private static final Instant T0 = Instant.parse("2024-03-04T05:06:07.123456Z");

  private Database database;
  private SettableClock clock;
  private JdbcTenancyRepository tenancy;
  private JdbcComponentRepository components;
  private JdbcAuthClientRepository authClients;
  private JdbcCredentialRepository credentials;
  private JdbcAuditLog audit;
  private Keyring keyring;

  /** A fresh, empty database for this class, opened with {@link Database#open}. */
  protected abstract Database openDatabase();

  /** Drops what {@link #openDatabase()} made, after the database is closed. */
  protected abstract void dropDatabase();

  @BeforeAll
  void openAndMigrate() {
    database = openDatabase();
    database.migrate();
    clock = new SettableClock(T0.plus(1, ChronoUnit.DAYS));
    // Wired exactly as Credflow.start wires them.
    Jdbc jdbc = database.jdbc();
    keyring = Keyring.generate();
    SecretColumns secrets = new SecretColumns(keyring);
    tenancy = new JdbcTenancyRepository(jdbc);
    components = new JdbcComponentRepository(jdbc, clock);
    authClients = new JdbcAuthClientRepository(jdbc, secrets, clock);
    credentials = new JdbcCredentialRepository(jdbc, secrets, clock);
    audit = new JdbcAuditLog(jdbc);
  }

  @AfterAll
  void closeAndDrop() {
    if (database != null) {
      database.close();
    }
    dropDatabase();
  }

  // ---------------------------------------------------------------- credential events

  @Test
  void latestEventsWhenMoreThanTheLimitThenTheNewestComeNewestFirst() {
    JdbcEventLog events = new JdbcEventLog(database.jdbc());
    String ws = Ids.newId();
    String credential = Ids.newId();
    String other = Ids.newId();
    for (int i = 0; i < 12; i++) {
      events.record(
          new CredentialEvent(0, credential, ws, "credential.verified", "check " + i, T0));
      events.record(new CredentialEvent(0, other, ws, "credential.refreshed", "other " + i, T0));
    }
    events.record(new CredentialEvent(0, credential, ws, "credential.deleted", "gone", T0));

    List<CredentialEvent> ofCredential = events.latest(ws, Optional.of(credential), 5);
    List<CredentialEvent> ofWorkspace = events.latest(ws, Optional.empty(), 3);

    assertThat(ofCredential)
        .extracting(CredentialEvent::detail)
        .containsExactly("gone", "check 11", "check 10", "check 9", "check 8");
    assertThat(ofWorkspace)
        .extracting(CredentialEvent::detail)
        .containsExactly("gone", "other 11", "check 11");
    // The oldest-first list is unchanged: the first page still starts at the beginning.
    assertThat(events.list(ws, Optional.of(credential), 0, 2))
        .extracting(CredentialEvent::detail)
        .containsExactly("check 0", "check 1");
  }

  // ---------------------------------------------------------------- tenancy

  @Test
  void tenantContractWorkspaceWhenInsertedThenFoundWithEveryField() {
    Tenant t = new Tenant(Ids.newId(), "Acme Ünïcode ✓", T0, 0);
    tenancy.insertTenant(t);
    Contract c = new Contract(Ids.newId(), t.id(), "Acme contract", T0.plusSeconds(1), 0);
    tenancy.insertContract(c);
    Workspace w =
        new Workspace(Ids.newId(), c.id(), t.id(), "Acme workspace", T0.plusSeconds(2), 0);
    tenancy.insertWorkspace(w);

    Tenant foundT = tenancy.findTenant(t.id()).orElseThrow();
    Contract foundC = tenancy.findContract(c.id()).orElseThrow();
    Workspace foundW = tenancy.findWorkspace(w.id()).orElseThrow();

    assertThat(foundT).isEqualTo(new Tenant(t.id(), t.name(), t.createdAt(), foundT.seq()));
    assertThat(foundC)
        .isEqualTo(new Contract(c.id(), t.id(), c.name(), c.createdAt(), foundC.seq()));
    assertThat(foundW)
        .isEqualTo(new Workspace(w.id(), c.id(), t.id(), w.name(), w.createdAt(), foundW.seq()));
    assertThat(foundT.seq()).isPositive();
  }

  @Test
  void findWhenIdIsUnknownThenEmptyForEveryRepository() {
    String unknown = Ids.newId();
    assertThat(tenancy.findTenant(unknown)).isEmpty();
    assertThat(tenancy.findContract(unknown)).isEmpty();
    assertThat(tenancy.findWorkspace(unknown)).isEmpty();
    assertThat(tenancy.findUser(unknown)).isEmpty();
    assertThat(tenancy.findUserByEmail(unknown + "@example.com")).isEmpty();
    assertThat(tenancy.findUserByKeyDigest(sha256(unknown))).isEmpty();
    assertThat(components.find(unknown)).isEmpty();
    assertThat(authClients.find(unknown)).isEmpty();
    assertThat(credentials.find(unknown)).isEmpty();
    assertThat(audit.ofCredential(unknown)).isEmpty();
  }

  @Test
  void insertTenantWhenIdExistsThenConflictAndFirstRowKept() {
    Tenant t = tenant("first");
    assertThatThrownBy(() -> tenancy.insertTenant(new Tenant(t.id(), "second", T0, 0)))
        .isInstanceOf(ConflictException.class);
    assertThat(tenancy.findTenant(t.id()).orElseThrow().name()).isEqualTo("first");
  }

  @Test
  void insertContractWhenTenantIsMissingThenConflictAndNothingStored() {
    Contract c = new Contract(Ids.newId(), Ids.newId(), "orphan", T0, 0);
    assertThatThrownBy(() -> tenancy.insertContract(c)).isInstanceOf(ConflictException.class);
    assertThat(tenancy.findContract(c.id())).isEmpty();
  }

  @Test
  void insertWorkspaceWhenContractIsMissingThenConflictAndNothingStored() {
    Tenant t = tenant("t");
    Workspace w = new Workspace(Ids.newId(), Ids.newId(), t.id(), "orphan", T0, 0);
    assertThatThrownBy(() -> tenancy.insertWorkspace(w)).isInstanceOf(ConflictException.class);
    assertThat(tenancy.findWorkspace(w.id())).isEmpty();
  }

  @Test
  void listWorkspacesWhenPagedThenCreationOrderAfterPositionAndAtMostLimit() {
    long start = position("workspaces");
    Tenant t = tenant("t");
    Contract c = contract(t);
    List<Workspace> made = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      made.add(workspace(c, "ws " + i));
    }
    List<Workspace> all = tenancy.listWorkspaces(Optional.empty(), start, 100);
    assertThat(all).extracting(Workspace::id).containsExactlyElementsOf(ids(made));
    assertThat(all).extracting(Workspace::seq).isSorted().doesNotHaveDuplicates();

    List<Workspace> first = tenancy.listWorkspaces(Optional.empty(), start, 2);
    List<Workspace> second = tenancy.listWorkspaces(Optional.empty(), first.get(1).seq(), 2);
    List<Workspace> third = tenancy.listWorkspaces(Optional.empty(), second.get(1).seq(), 2);
    assertThat(first).extracting(Workspace::id).containsExactly(made.get(0).id(), made.get(1).id());
    assertThat(second)
        .extracting(Workspace::id)
        .containsExactly(made.get(2).id(), made.get(3).id());
    assertThat(third).extracting(Workspace::id).containsExactly(made.get(4).id());
    assertThat(tenancy.listWorkspaces(Optional.empty(), third.get(0).seq(), 2)).isEmpty();
  }

  @Test
  void listWorkspacesWhenTenantFilterGivenThenOnlyWorkspacesOfThoseTenants() {
    long start = position("workspaces");
    Tenant a = tenant("a");
    Tenant b = tenant("b");
    Tenant c = tenant("c");
    Workspace wa1 = workspace(contract(a), "a1");
    Workspace wb = workspace(contract(b), "b");
    Workspace wa2 = workspace(contract(a), "a2");
    Workspace wc = workspace(contract(c), "c");

    assertThat(tenancy.listWorkspaces(Optional.of(Set.of(a.id())), start, 100))
        .extracting(Workspace::id)
        .containsExactly(wa1.id(), wa2.id());
    assertThat(tenancy.listWorkspaces(Optional.of(Set.of(a.id(), c.id())), start, 100))
        .extracting(Workspace::id)
        .containsExactly(wa1.id(), wa2.id(), wc.id());
    assertThat(tenancy.listWorkspaces(Optional.of(Set.of(a.id(), c.id())), start, 1))
        .extracting(Workspace::id)
        .containsExactly(wa1.id());
    assertThat(tenancy.listWorkspaces(Optional.of(Set.of(a.id(), c.id())), wa1.seq(), 100))
        .extracting(Workspace::id)
        .containsExactly(wa2.id(), wc.id());
    assertThat(tenancy.listWorkspaces(Optional.of(Set.of(Ids.newId())), start, 100)).isEmpty();
    assertThat(tenancy.listWorkspaces(Optional.empty(), start, 100))
        .extracting(Workspace::id)
        .containsExactly(wa1.id(), wb.id(), wa2.id(), wc.id());
  }

  @Test
  void listWhenTenantFilterIsEmptySetThenNothingRatherThanAnError() {
    Tenant t = tenant("t");
    authClient(component(t.location()), new NoAuthSettings());
    workspace(contract(t), "w");
    assertThat(tenancy.listWorkspaces(Optional.of(Set.of()), 0, 100)).isEmpty();
    assertThat(components.list(Optional.of(Set.of()), 0, 100)).isEmpty();
    assertThat(authClients.list(Optional.of(Set.of()), 0, 100)).isEmpty();
  }

  @Test
  void userWhenInsertedThenFoundByIdByEmailAndByKeyDigestWithTheStoredDigest() {
    byte[] digest = sha256("key-" + Ids.newId());
    User u = new User(Ids.newId(), Ids.newId() + "@example.com", true, T0, 0);
    tenancy.insertUser(u, digest);

    User byId = tenancy.findUser(u.id()).orElseThrow();
    assertThat(byId).isEqualTo(new User(u.id(), u.email(), true, T0, byId.seq()));
    assertThat(tenancy.findUserByEmail(u.email())).contains(byId);
    UserKey byDigest = tenancy.findUserByKeyDigest(digest.clone()).orElseThrow();
    assertThat(byDigest.user()).isEqualTo(byId);
    assertThat(byDigest.digest()).isEqualTo(digest);

    User member = new User(Ids.newId(), Ids.newId() + "@example.com", false, T0, 0);
    tenancy.insertUser(member, sha256(member.id()));
    assertThat(tenancy.findUser(member.id()).orElseThrow().globalAdmin()).isFalse();

    byte[] other = digest.clone();
    other[0] ^= 1;
    assertThat(tenancy.findUserByKeyDigest(other)).isEmpty();
  }

  @Test
  void insertUserWhenEmailOrKeyDigestIsTakenThenConflict() {
    byte[] digest = sha256(Ids.newId());
    User u = new User(Ids.newId(), Ids.newId() + "@example.com", false, T0, 0);
    tenancy.insertUser(u, digest);
    long count = tenancy.countUsers();

    User sameEmail = new User(Ids.newId(), u.email(), false, T0, 0);
    assertThatThrownBy(() -> tenancy.insertUser(sameEmail, sha256(Ids.newId())))
        .isInstanceOf(ConflictException.class);
    User sameKey = new User(Ids.newId(), Ids.newId() + "@example.com", false, T0, 0);
    assertThatThrownBy(() -> tenancy.insertUser(sameKey, digest.clone()))
        .isInstanceOf(ConflictException.class);

    assertThat(tenancy.countUsers()).isEqualTo(count);
    assertThat(tenancy.findUser(sameEmail.id())).isEmpty();
    assertThat(tenancy.findUser(sameKey.id())).isEmpty();
  }

  @Test
  void countUsersWhenUsersAreInsertedThenCountsEachOnce() {
    long before = tenancy.countUsers();
    user();
    user();
    user();
    assertThat(tenancy.countUsers()).isEqualTo(before + 3);
  }

  @Test
  void findPrincipalByKeyDigestWhenUserHasMembershipsThenUserDigestAndAllMembershipsInOneRead() {
    Tenant t = tenant("t");
    Workspace w = workspace(contract(t), "w");
    User u = user();
    User stranger = user();
    assertThat(tenancy.findPrincipalByKeyDigest(sha256(stranger.id())).orElseThrow().memberships())
        .isEmpty();
    tenancy.upsertMembership(new Membership(u.id(), t.location(), Role.MEMBER, T0, 0));
    tenancy.upsertMembership(new Membership(u.id(), w.location(), Role.ADMIN, T0, 0));

    var principal = tenancy.findPrincipalByKeyDigest(sha256(u.id())).orElseThrow();

    assertThat(principal.key().user()).isEqualTo(u);
    assertThat(principal.key().digest()).isEqualTo(sha256(u.id()));
    assertThat(principal.memberships()).isEqualTo(tenancy.membershipsOf(u.id()));
    assertThat(principal.memberships())
        .extracting(Membership::role)
        .containsExactly(Role.MEMBER, Role.ADMIN);
    assertThat(tenancy.findPrincipalByKeyDigest(sha256(Ids.newId()))).isEmpty();
  }

  // ---------------------------------------------------------------- api keys

  @Test
  void insertUserWhenGivenAKeyThenItIsTheUsersFirstKeyAndTheOldColumnHoldsItToo() {
    byte[] digest = sha256("first-" + Ids.newId());
    User u = new User(Ids.newId(), Ids.newId() + "@example.com", false, T0, 0);
    tenancy.insertUser(u, digest);

    List<ApiKey> keys = tenancy.apiKeysOf(u.id());
    assertThat(keys).hasSize(1);
    assertThat(keys.get(0).name()).isEqualTo(ApiKey.FIRST_KEY_NAME);
    assertThat(keys.get(0).createdAt()).isEqualTo(T0);
    assertThat(keys.get(0).revokedAt()).isEmpty();
    assertThat(Ids.looksLikeId(keys.get(0).id())).isTrue();
    assertThat(legacyKeyDigest(u.id())).hasValueSatisfying(d -> assertThat(d).isEqualTo(digest));
  }

  @Test
  void insertUserWhenWithoutAKeyThenItHasNoKeysAndManyMayBeInserted() {
    User a = new User(Ids.newId(), Ids.newId() + "@example.com", false, T0, 0);
    User b = new User(Ids.newId(), Ids.newId() + "@example.com", false, T0, 0);
    tenancy.insertUser(a);
    tenancy.insertUser(b);

    assertThat(tenancy.findUser(a.id())).isPresent();
    assertThat(tenancy.findUser(b.id())).isPresent();
    assertThat(tenancy.apiKeysOf(a.id())).isEmpty();
    assertThat(legacyKeyDigest(a.id())).isEmpty();
  }

  @Test
  void insertApiKeyWhenAUserHasSeveralThenEachFindsItAndTheyListNewestFirst() {
    User u = user();
    byte[] second = sha256("second-" + Ids.newId());
    byte[] third = sha256("third-" + Ids.newId());
    ApiKey k2 = new ApiKey(Ids.newId(), "ci ✓", T0.plusSeconds(10), Optional.empty());
    ApiKey k3 = new ApiKey(Ids.newId(), "laptop", T0.plusSeconds(20), Optional.empty());
    tenancy.insertApiKey(u.id(), k2, second);
    tenancy.insertApiKey(u.id(), k3, third);

    List<ApiKey> keys = tenancy.apiKeysOf(u.id());
    assertThat(keys).hasSize(3);
    assertThat(keys.subList(0, 2)).containsExactly(k3, k2);
    assertThat(keys.get(2).name()).isEqualTo(ApiKey.FIRST_KEY_NAME);
    for (byte[] digest : List.of(sha256(u.id()), second, third)) {
      assertThat(tenancy.findUserByKeyDigest(digest).orElseThrow().user()).isEqualTo(u);
      assertThat(tenancy.findPrincipalByKeyDigest(digest).orElseThrow().key().digest())
          .isEqualTo(digest);
    }
  }

  @Test
  void insertApiKeyWhenTheDigestIsTakenOrTheUserMissingThenConflict() {
    User u = user();
    User v = user();
    assertThatThrownBy(
            () ->
                tenancy.insertApiKey(
                    v.id(), new ApiKey(Ids.newId(), "copy", T0, Optional.empty()), sha256(u.id())))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(
            () ->
                tenancy.insertApiKey(
                    Ids.newId(),
                    new ApiKey(Ids.newId(), "orphan", T0, Optional.empty()),
                    sha256(Ids.newId())))
        .isInstanceOf(ConflictException.class);
    assertThat(tenancy.apiKeysOf(v.id())).hasSize(1);
  }

  @Test
  void revokeApiKeyWhenTheUsersOwnThenItNoLongerFindsTheUserAndListsAsRevokedOnce() {
    User u = user();
    byte[] digest = sha256("other-" + Ids.newId());
    ApiKey other = new ApiKey(Ids.newId(), "other", T0, Optional.empty());
    tenancy.insertApiKey(u.id(), other, digest);
    String first = tenancy.apiKeysOf(u.id()).get(1).id();

    assertThat(tenancy.revokeApiKey(u.id(), first, T0.plusSeconds(5)))
        .hasValueSatisfying(d -> assertThat(d).isEqualTo(sha256(u.id())));
    assertThat(tenancy.revokeApiKey(u.id(), first, T0.plusSeconds(9)))
        .as("revoked before: the first revocation stays")
        .hasValueSatisfying(d -> assertThat(d).isEqualTo(sha256(u.id())));

    assertThat(tenancy.findUserByKeyDigest(sha256(u.id()))).isEmpty();
    assertThat(tenancy.findPrincipalByKeyDigest(sha256(u.id()))).isEmpty();
    assertThat(tenancy.findPrincipalByKeyDigest(digest)).isPresent();
    assertThat(tenancy.apiKeysOf(u.id()))
        .extracting(ApiKey::revokedAt)
        .containsExactly(Optional.empty(), Optional.of(T0.plusSeconds(5)));
    assertThat(legacyKeyDigest(u.id())).as("the previous version's column").isEmpty();
  }

  @Test
  void revokeApiKeyWhenTheKeyIsAnotherUsersOrUnknownThenEmptyAndNothingChanges() {
    User u = user();
    User v = user();
    String vKey = tenancy.apiKeysOf(v.id()).get(0).id();

    assertThat(tenancy.revokeApiKey(u.id(), vKey, T0)).isEmpty();
    assertThat(tenancy.revokeApiKey(u.id(), Ids.newId(), T0)).isEmpty();

    assertThat(tenancy.apiKeysOf(v.id()).get(0).revokedAt()).isEmpty();
    assertThat(tenancy.findPrincipalByKeyDigest(sha256(v.id()))).isPresent();
    assertThat(legacyKeyDigest(v.id()))
        .hasValueSatisfying(d -> assertThat(d).isEqualTo(sha256(v.id())));
  }

  @Test
  void upsertMembershipWhenRoleChangesThenOneMembershipWithTheNewRoleAndItsFirstCreation() {
    Tenant t = tenant("t");
    User u = user();
    tenancy.upsertMembership(new Membership(u.id(), t.location(), Role.MEMBER, T0, 0));
    Membership first = tenancy.membershipsOf(u.id()).get(0);

    tenancy.upsertMembership(
        new Membership(u.id(), t.location(), Role.ADMIN, T0.plusSeconds(60), 0));

    List<Membership> after = tenancy.membershipsOf(u.id());
    assertThat(after).hasSize(1);
    assertThat(after.get(0))
        .isEqualTo(new Membership(u.id(), t.location(), Role.ADMIN, T0, first.seq()));
    assertThat(tenancy.membersAt(t.location())).containsExactly(after.get(0));

    tenancy.upsertMembership(new Membership(u.id(), t.location(), Role.MEMBER, T0, 0));
    assertThat(tenancy.membershipsOf(u.id()))
        .extracting(Membership::role)
        .containsExactly(Role.MEMBER);
  }

  @Test
  void membershipsWhenAtEveryLevelThenListedPerUserAndPerNodeInCreationOrder() {
    Tenant t = tenant("t");
    Contract c = contract(t);
    Workspace w = workspace(c, "w");
    User u = user();
    User v = user();
    Membership m1 = new Membership(u.id(), w.location(), Role.MEMBER, T0, 0);
    Membership m2 = new Membership(u.id(), t.location(), Role.ADMIN, T0.plusSeconds(1), 0);
    Membership m3 = new Membership(u.id(), c.location(), Role.MEMBER, T0.plusSeconds(2), 0);
    Membership m4 = new Membership(v.id(), w.location(), Role.ADMIN, T0.plusSeconds(3), 0);
    for (Membership m : List.of(m1, m2, m3, m4)) {
      tenancy.upsertMembership(m);
    }

    List<Membership> ofU = tenancy.membershipsOf(u.id());
    assertThat(ofU)
        .usingRecursiveFieldByFieldElementComparatorIgnoringFields("seq")
        .containsExactly(m1, m2, m3);
    assertThat(ofU).extracting(Membership::seq).isSorted().doesNotHaveDuplicates();
    assertThat(ofU.get(0).at().path()).containsExactly(t.id(), c.id(), w.id());
    assertThat(tenancy.membersAt(w.location()))
        .usingRecursiveFieldByFieldElementComparatorIgnoringFields("seq")
        .containsExactly(m1, m4);
    assertThat(tenancy.membersAt(t.location()))
        .usingRecursiveFieldByFieldElementComparatorIgnoringFields("seq")
        .containsExactly(m2);
    assertThat(tenancy.membershipsOf(Ids.newId())).isEmpty();
  }

  @Test
  void deleteMembershipWhenPresentThenTrueAndGoneWhenAbsentThenFalse() {
    Tenant t = tenant("t");
    Workspace w = workspace(contract(t), "w");
    User u = user();
    tenancy.upsertMembership(new Membership(u.id(), t.location(), Role.ADMIN, T0, 0));
    tenancy.upsertMembership(new Membership(u.id(), w.location(), Role.MEMBER, T0, 0));

    assertThat(tenancy.deleteMembership(u.id(), t.id())).isTrue();
    assertThat(tenancy.membershipsOf(u.id())).extracting(m -> m.at().id()).containsExactly(w.id());
    assertThat(tenancy.deleteMembership(u.id(), t.id())).isFalse();
    assertThat(tenancy.deleteMembership(Ids.newId(), w.id())).isFalse();
    assertThat(tenancy.membersAt(w.location())).hasSize(1);
  }

  @Test
  void upsertMembershipWhenUserIsMissingThenConflictAndNothingStored() {
    Tenant t = tenant("t");
    String ghost = Ids.newId();
    assertThatThrownBy(
            () -> tenancy.upsertMembership(new Membership(ghost, t.location(), Role.ADMIN, T0, 0)))
        .isInstanceOf(ConflictException.class);
    assertThat(tenancy.membersAt(t.location())).isEmpty();
  }

  // ---------------------------------------------------------------- components

  @Test
  void componentWhenInsertedAtTenantOrWorkspaceThenFoundWithEveryField() {
    Tenant t = tenant("t");
    Workspace w = workspace(contract(t), "w");
    Descriptor d =
        descriptor(
            Map.of(
                "title",
                "Instagram ✓",
                "authClientTypes",
                List.of("oauth2_instagram", "oauth2"),
                "credentials",
                Map.of(
                    "fields",
                    Map.of("auth", Map.of("required", true, "viewClass", "OAuthFieldView")),
                    "oauth2",
                    Map.of("scopes", List.of("user_profile", "user_media"))),
                "actions",
                Map.of("get", Map.of("main", "./get.js", "count", 3))));
    Component atTenant =
        new Component(Ids.newId(), "At tenant", t.location(), d, T0, T0.plusSeconds(1), 0);
    Component atWorkspace = new Component(Ids.newId(), "At workspace", w.location(), d, T0, T0, 0);
    components.insert(atTenant);
    components.insert(atWorkspace);

    assertThat(components.find(atTenant.id()).orElseThrow())
        .usingRecursiveComparison()
        .ignoringFields("seq")
        .isEqualTo(atTenant);
    Component found = components.find(atWorkspace.id()).orElseThrow();
    assertThat(found).usingRecursiveComparison().ignoringFields("seq").isEqualTo(atWorkspace);
    assertThat(found.deployedAt()).isEqualTo(w.location());
    assertThat(found.descriptor().scopes()).containsExactly("user_profile", "user_media");
    assertThat(found.descriptor().authClientTypes())
        .containsExactly(AuthClientType.OAUTH2_INSTAGRAM, AuthClientType.OAUTH2);
  }

  @Test
  void listComponentsWhenPagedAndFilteredByTenantThenCreationOrder() {
    long start = position("components");
    Tenant a = tenant("a");
    Tenant b = tenant("b");
    Component a1 = component(a.location());
    Component b1 = component(b.location());
    Component a2 = component(workspace(contract(a), "w").location());
    Component b2 = component(b.location());

    assertThat(components.list(Optional.empty(), start, 100))
        .extracting(Component::id)
        .containsExactly(a1.id(), b1.id(), a2.id(), b2.id());
    List<Component> page1 = components.list(Optional.empty(), start, 3);
    assertThat(page1).extracting(Component::id).containsExactly(a1.id(), b1.id(), a2.id());
    assertThat(components.list(Optional.empty(), page1.get(2).seq(), 3))
        .extracting(Component::id)
        .containsExactly(b2.id());
    assertThat(components.list(Optional.of(Set.of(a.id())), start, 100))
        .extracting(Component::id)
        .containsExactly(a1.id(), a2.id());
    assertThat(components.list(Optional.of(Set.of(b.id())), b1.seq(), 100))
        .extracting(Component::id)
        .containsExactly(b2.id());
    assertThat(components.list(Optional.of(Set.of(a.id(), b.id())), start, 100)).hasSize(4);
  }

  @Test
  void updateComponentWhenNameAndDescriptorChangeThenStoredWithUpdatedAtFromTheClock() {
    Tenant t = tenant("t");
    Component c = component(t.location());
    Instant now = clock.advance();
    Descriptor d = descriptor(Map.of("authClientTypes", List.of("basic"), "title", "changed"));

    components.update(c.withName("renamed").withDescriptor(d));

    Component found = components.find(c.id()).orElseThrow();
    assertThat(found.name()).isEqualTo("renamed");
    assertThat(found.descriptor()).isEqualTo(d);
    assertThat(found.updatedAt()).isEqualTo(now);
    assertThat(found.createdAt()).isEqualTo(c.createdAt());
    assertThat(found.deployedAt()).isEqualTo(c.deployedAt());
    assertThat(found.seq()).isEqualTo(c.seq());
  }

  @Test
  void deleteComponentWhenNothingLinksItThenGone() {
    Component c = component(tenant("t").location());
    components.delete(c.id());
    assertThat(components.find(c.id())).isEmpty();
  }

  @Test
  void deleteComponentWhenAnAuthClientLinksItThenConflictAndKept() {
    Component c = component(tenant("t").location());
    authClient(c, new NoAuthSettings());
    assertThatThrownBy(() -> components.delete(c.id())).isInstanceOf(ConflictException.class);
    assertThat(components.find(c.id())).isPresent();
  }

  @Test
  void linkedAuthClientTypesWhenAuthClientsLinkTheComponentThenTheirDistinctTypesAndCount() {
    Tenant t = tenant("t");
    Component c = component(t.location());
    Component other = component(t.location());
    assertThat(components.linkedAuthClientTypes(c.id())).isEmpty();
    assertThat(components.countLinkedAuthClients(c.id())).isZero();

    authClient(List.of(c.id(), other.id()), new BasicSettings(Optional.empty()));
    authClient(c, new BasicSettings(Optional.of("bob")));
    authClient(c, oauth2Minimal("client-" + Ids.newId()));
    authClient(other, new NoAuthSettings());

    assertThat(components.linkedAuthClientTypes(c.id()))
        .containsExactlyInAnyOrder(AuthClientType.BASIC, AuthClientType.OAUTH2);
    assertThat(components.countLinkedAuthClients(c.id())).isEqualTo(3);
    assertThat(components.linkedAuthClientTypes(other.id()))
        .containsExactlyInAnyOrder(AuthClientType.BASIC, AuthClientType.NOAUTH);
    assertThat(components.countLinkedAuthClients(other.id())).isEqualTo(2);
  }

  // ---------------------------------------------------------------- auth-clients

  @Test
  void authClientWhenInsertedThenEverySettingsTypeRoundTripsWithSecretsAndOptionalMembers() {
    Component c = component(tenant("t").location());
    List<AuthClientSettings> all =
        List.of(
            new NoAuthSettings(),
            new BasicSettings(Optional.empty()),
            new BasicSettings(Optional.of("default-user ✓")),
            new ApiKeySettings("X-Api-Key", Optional.empty(), ApiKeySettings.Placement.HEADER),
            new ApiKeySettings(
                "api_key", Optional.of(Secret.of("shared-key-✓")), ApiKeySettings.Placement.QUERY),
            oauth2Minimal("client-min"),
            oauth2Full(),
            new InstagramSettings(
                "ig-client",
                Secret.of("ig-secret"),
                InstagramSettings.DEFAULT_AUTH_URI,
                InstagramSettings.DEFAULT_TOKEN_URI,
                InstagramSettings.DEFAULT_EXCHANGE_URI,
                InstagramSettings.DEFAULT_REFRESH_URI,
                InstagramSettings.DEFAULT_TOKEN_EXPIRES_IN,
                Optional.empty()),
            new InstagramSettings(
                "ig-client-2",
                Secret.of("ig-secret-2"),
                URI.create("https://ig.example.com/authorize"),
                URI.create("https://ig.example.com/token"),
                URI.create("https://ig.example.com/exchange"),
                URI.create("https://ig.example.com/refresh"),
                86400,
                Optional.of(List.of("user_profile", "user_media"))));
    for (AuthClientSettings settings : all) {
      AuthClient inserted = authClient(c, settings);
      AuthClient found = authClients.find(inserted.id()).orElseThrow();
      assertThat(found.settings()).as(settings.type().wireName()).isEqualTo(settings);
      assertThat(found)
          .usingRecursiveComparison()
          .ignoringFields("seq")
          .as(settings.toString())
          .isEqualTo(inserted);
      assertThat(found.type()).isEqualTo(settings.type());
    }
  }

  @Test
  void authClientWhenSecretMembersAreStoredThenTheyAreOnlyInTheEncryptedColumn() {
    Component c = component(tenant("t").location());
    AuthClient oauth = authClient(c, oauth2Full());
    AuthClient basic = authClient(c, new BasicSettings(Optional.of("u")));

    Row oauthRow = authClientRow(oauth.id());
    assertThat(oauthRow.settings()).doesNotContain("full-secret").contains("full-client");
    assertThat(oauthRow.secrets()).isNotNull();
    assertThat(new String(oauthRow.secrets(), StandardCharsets.ISO_8859_1))
        .doesNotContain("full-secret");
    assertThat(authClientRow(basic.id()).secrets()).isNull();
  }

  @Test
  void authClientOwnerWhenAtEachLevelOrAtComponentLevelThenRoundTrips() {
    Tenant t = tenant("t");
    Contract contract = contract(t);
    Workspace w = workspace(contract, "w");
    Component c = component(t.location());
    for (Optional<Location> owner :
        List.of(
            Optional.<Location>empty(),
            Optional.of(t.location()),
            Optional.of(contract.location()),
            Optional.of(w.location()))) {
      AuthClient a =
          new AuthClient(
              Ids.newId(),
              "owned",
              new NoAuthSettings(),
              owner,
              t.id(),
              List.of(c.id()),
              T0,
              T0,
              0);
      authClients.insert(a);
      assertThat(authClients.find(a.id()).orElseThrow().owner()).isEqualTo(owner);
    }
  }

  @Test
  void authClientComponentLinksWhenSeveralThenKeptInTheirOrder() {
    Tenant t = tenant("t");
    Component c1 = component(t.location());
    Component c2 = component(t.location());
    Component c3 = component(t.location());
    AuthClient a = authClient(List.of(c3.id(), c1.id(), c2.id()), new NoAuthSettings());
    assertThat(authClients.find(a.id()).orElseThrow().componentIds())
        .containsExactly(c3.id(), c1.id(), c2.id());
  }

  @Test
  void insertAuthClientWhenAComponentIsMissingThenConflictAndNeitherRowNorLinksStored() {
    Tenant t = tenant("t");
    Component c = component(t.location());
    AuthClient a =
        new AuthClient(
            Ids.newId(),
            "broken",
            new ApiKeySettings(
                "X-Key", Optional.of(Secret.of("k")), ApiKeySettings.Placement.HEADER),
            Optional.empty(),
            t.id(),
            List.of(c.id(), Ids.newId()),
            T0,
            T0,
            0);
    assertThatThrownBy(() -> authClients.insert(a)).isInstanceOf(ConflictException.class);
    assertThat(authClients.find(a.id())).isEmpty();
    assertThat(components.countLinkedAuthClients(c.id())).isZero();
  }

  @Test
  void listAuthClientsWhenPagedAndFilteredByTenantThenCreationOrder() {
    long start = position("auth_clients");
    Tenant a = tenant("a");
    Tenant b = tenant("b");
    Component ca = component(a.location());
    Component cb = component(b.location());
    AuthClient a1 = authClient(ca, new NoAuthSettings());
    AuthClient b1 = authClient(cb, oauth2Minimal("b1"));
    AuthClient a2 = authClient(ca, oauth2Minimal("a2"));
    AuthClient b2 = authClient(cb, new BasicSettings(Optional.empty()));

    assertThat(authClients.list(Optional.empty(), start, 100))
        .extracting(AuthClient::id)
        .containsExactly(a1.id(), b1.id(), a2.id(), b2.id());
    List<AuthClient> page = authClients.list(Optional.empty(), start, 2);
    assertThat(page).extracting(AuthClient::id).containsExactly(a1.id(), b1.id());
    assertThat(authClients.list(Optional.empty(), page.get(1).seq(), 2))
        .extracting(AuthClient::id)
        .containsExactly(a2.id(), b2.id());
    List<AuthClient> ofA = authClients.list(Optional.of(Set.of(a.id())), start, 100);
    assertThat(ofA).extracting(AuthClient::id).containsExactly(a1.id(), a2.id());
    assertThat(ofA.get(1).settings()).isEqualTo(a2.settings());
    assertThat(ofA.get(1).componentIds()).containsExactly(ca.id());
    assertThat(authClients.list(Optional.of(Set.of(b.id())), start, 1))
        .extracting(AuthClient::id)
        .containsExactly(b1.id());
  }

  @Test
  void findOAuthByClientIdWhenSeveralMatchThenOnlyThoseOfTheTenantWithThatClientIdInOrder() {
    Tenant t = tenant("t");
    Tenant other = tenant("other");
    Component c = component(t.location());
    Component co = component(other.location());
    String clientId = "shared-client-" + Ids.newId();
    AuthClient first = authClient(c, oauth2Minimal(clientId));
    authClient(c, oauth2Minimal("another-" + Ids.newId()));
    authClient(co, oauth2Minimal(clientId));
    authClient(c, new BasicSettings(Optional.of(clientId)));
    AuthClient ig =
        authClient(
            c,
            new InstagramSettings(
                clientId,
                Secret.of("ig"),
                InstagramSettings.DEFAULT_AUTH_URI,
                InstagramSettings.DEFAULT_TOKEN_URI,
                InstagramSettings.DEFAULT_EXCHANGE_URI,
                InstagramSettings.DEFAULT_REFRESH_URI,
                60,
                Optional.empty()));

    List<AuthClient> found = authClients.findOAuthByClientId(t.id(), clientId);
    assertThat(found).extracting(AuthClient::id).containsExactly(first.id(), ig.id());
    assertThat(found.get(0).settings()).isEqualTo(first.settings());
    assertThat(authClients.findOAuthByClientId(t.id(), "nobody")).isEmpty();
  }

  @Test
  void updateAuthClientWhenNameSettingsAndLinksChangeThenStoredWithUpdatedAtFromTheClock() {
    Tenant t = tenant("t");
    Component c1 = component(t.location());
    Component c2 = component(t.location());
    Component c3 = component(t.location());
    AuthClient a = authClient(List.of(c1.id(), c2.id()), oauth2Minimal("client"));
    Instant now = clock.advance();
    OAuth2Settings changed = oauth2Full();

    authClients.update(a.with("renamed", changed, List.of(c3.id(), c1.id())));

    AuthClient found = authClients.find(a.id()).orElseThrow();
    assertThat(found.name()).isEqualTo("renamed");
    assertThat(found.settings()).isEqualTo(changed);
    assertThat(found.componentIds()).containsExactly(c3.id(), c1.id());
    assertThat(found.updatedAt()).isEqualTo(now);
    assertThat(found.createdAt()).isEqualTo(a.createdAt());
    assertThat(found.seq()).isEqualTo(a.seq());
    assertThat(found.owner()).isEqualTo(a.owner());
    assertThat(components.countLinkedAuthClients(c2.id())).isZero();
    assertThat(components.countLinkedAuthClients(c3.id())).isEqualTo(1);
  }

  @Test
  void updateAuthClientWhenSharedKeyIsRemovedThenNoSecretIsStoredAndItReadsBackEmpty() {
    Component c = component(tenant("t").location());
    AuthClient a =
        authClient(
            c,
            new ApiKeySettings(
                "X-Key", Optional.of(Secret.of("shared")), ApiKeySettings.Placement.HEADER));
    assertThat(authClientRow(a.id()).secrets()).isNotNull();
    ApiKeySettings without =
        new ApiKeySettings("X-Other", Optional.empty(), ApiKeySettings.Placement.QUERY);

    authClients.update(a.with(a.name(), without, a.componentIds()));

    assertThat(authClients.find(a.id()).orElseThrow().settings()).isEqualTo(without);
    assertThat(authClientRow(a.id()).secrets()).isNull();
  }

  @Test
  void updateAuthClientWhenANewComponentIsMissingThenConflictAndTheOldStateIsKept() {
    Tenant t = tenant("t");
    Component c = component(t.location());
    AuthClient a = authClient(c, new BasicSettings(Optional.of("old")));
    AuthClient broken =
        a.with("new name", new BasicSettings(Optional.of("new")), List.of(Ids.newId()));
    assertThatThrownBy(() -> authClients.update(broken)).isInstanceOf(ConflictException.class);
    AuthClient found = authClients.find(a.id()).orElseThrow();
    assertThat(found.name()).isEqualTo(a.name());
    assertThat(found.settings()).isEqualTo(a.settings());
    assertThat(found.componentIds()).containsExactly(c.id());
  }

  @Test
  void deleteAuthClientWhenNoCredentialUsesItThenGoneWithItsLinks() {
    Component c = component(tenant("t").location());
    AuthClient a = authClient(c, new NoAuthSettings());
    authClients.delete(a.id());
    assertThat(authClients.find(a.id())).isEmpty();
    assertThat(components.countLinkedAuthClients(c.id())).isZero();
    components.delete(c.id());
    assertThat(components.find(c.id())).isEmpty();
  }

  @Test
  void deleteAuthClientWhenACredentialUsesItThenConflictAndKept() {
    Scene s = scene();
    credential(s, s.basic(), new CredentialSecrets.Basic("u", Secret.of("p")));
    assertThatThrownBy(() -> authClients.delete(s.basic().id()))
        .isInstanceOf(ConflictException.class);
    assertThat(authClients.find(s.basic().id())).isPresent();
  }

  @Test
  void countCredentialsWhenCredentialsUseTheAuthClientThenCountedInAllAndPerComponent() {
    Scene s = scene();
    Component second = component(s.tenant().location());
    AuthClient both = authClient(List.of(s.component().id(), second.id()), new NoAuthSettings());
    assertThat(authClients.countCredentials(both.id())).isZero();
    credential(s, both, s.component(), new CredentialSecrets.None());
    credential(s, both, second, new CredentialSecrets.None());
    credential(s, both, second, new CredentialSecrets.None());
    credential(s, s.noauth(), s.component(), new CredentialSecrets.None());

    assertThat(authClients.countCredentials(both.id())).isEqualTo(3);
    assertThat(authClients.countCredentials(both.id(), s.component().id())).isEqualTo(1);
    assertThat(authClients.countCredentials(both.id(), second.id())).isEqualTo(2);
    assertThat(authClients.countCredentials(both.id(), Ids.newId())).isZero();
    assertThat(authClients.countCredentials(Ids.newId())).isZero();
  }

  // ---------------------------------------------------------------- credentials

  @Test
  void credentialWhenInsertedThenEverySecretsTypeAndOptionalFieldRoundTrips() {
    Scene s = scene();
    record Case(AuthClient authClient, Credential credential) {}
    List<Case> cases =
        List.of(
            new Case(s.noauth(), newCredential(s, s.noauth(), new CredentialSecrets.None())),
            new Case(
                s.basic(),
                newCredential(
                    s, s.basic(), new CredentialSecrets.Basic("alice ✓", Secret.of("pw")))),
            new Case(
                s.basic(),
                newCredential(s, s.basic(), new CredentialSecrets.Basic("", Secret.of("")))),
            new Case(
                s.apiKey(),
                newCredential(s, s.apiKey(), new CredentialSecrets.ApiKey(Optional.empty()))),
            new Case(
                s.apiKey(),
                newCredential(
                    s,
                    s.apiKey(),
                    new CredentialSecrets.ApiKey(Optional.of(Secret.of("own-key"))))),
            new Case(
                s.oauth2(),
                newCredential(
                    s,
                    s.oauth2(),
                    new CredentialSecrets.Tokens(Secret.of("at"), Optional.empty()))),
            new Case(
                s.oauth2(),
                withDetails(
                    newCredential(
                        s,
                        s.oauth2(),
                        new CredentialSecrets.Tokens(
                            Secret.of("at-2"), Optional.of(Secret.of("rt-2")))))),
            new Case(
                s.instagram(),
                newCredential(
                    s,
                    s.instagram(),
                    new CredentialSecrets.Tokens(Secret.of("ig-at"), Optional.empty()))));
    for (Case c : cases) {
      credentials.insert(c.credential());
      Credential found = credentials.find(c.credential().id()).orElseThrow();
      assertThat(found)
          .usingRecursiveComparison()
          .ignoringFields("revision.seq")
          .as(c.credential().secrets().getClass().getSimpleName())
          .isEqualTo(c.credential());
      assertThat(found.secrets()).isEqualTo(c.credential().secrets());
      assertThat(found.hasRefreshToken()).isEqualTo(c.credential().hasRefreshToken());
      assertThat(found.seq()).isPositive();
    }
  }

  @Test
  void credentialWhenSecretsAreStoredThenNotInPlaintextAndHasRefreshTokenColumnKept() {
    Scene s = scene();
    Credential c =
        credential(
            s,
            s.oauth2(),
            new CredentialSecrets.Tokens(
                Secret.of("plain-access-token"), Optional.of(Secret.of("plain-refresh-token"))));
    Map<String, Object> row =
        database
            .jdbc()
            .queryOne(
                "SELECT secrets, has_refresh_token FROM credentials WHERE id = ?",
                rs -> Map.<String, Object>of("secrets", rs.getBytes(1), "rt", rs.getBoolean(2)),
                c.id())
            .orElseThrow();
    assertThat(new String((byte[]) row.get("secrets"), StandardCharsets.ISO_8859_1))
        .doesNotContain("plain-access-token")
        .doesNotContain("plain-refresh-token");
    assertThat(row.get("rt")).isEqualTo(true);
  }

  @Test
  void insertCredentialWhenIdExistsOrWorkspaceIsMissingThenConflict() {
    Scene s = scene();
    Credential c = credential(s, s.noauth(), new CredentialSecrets.None());
    assertThatThrownBy(() -> credentials.insert(c.withName("again")))
        .isInstanceOf(ConflictException.class);
    assertThat(credentials.find(c.id()).orElseThrow().name()).isEqualTo(c.name());

    Credential orphan =
        new Credential(
            Ids.newId(),
            new Credential.Owner(Ids.newId(), s.noauth().id(), s.component().id(), s.user().id()),
            "orphan",
            new Credential.Grant(
                AuthClientType.NOAUTH,
                new CredentialSecrets.None(),
                Optional.empty(),
                Optional.empty()),
            Credential.Condition.of(CredentialState.READY, Optional.empty()),
            new Credential.Revision(1, T0, T0, 0));
    assertThatThrownBy(() -> credentials.insert(orphan)).isInstanceOf(ConflictException.class);
    assertThat(credentials.find(orphan.id())).isEmpty();
  }

  @Test
  void listCredentialsWhenPagedThenOnlyTheWorkspaceInCreationOrder() {
    Scene s = scene();
    Workspace otherWs = workspace(contract(s.tenant()), "other");
    List<Credential> made = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      made.add(credential(s, s.noauth(), new CredentialSecrets.None()));
      credentials.insert(newCredential(s, s.noauth(), new CredentialSecrets.None(), otherWs.id()));
    }
    CredentialRepository.Filter none =
        new CredentialRepository.Filter(Optional.empty(), Optional.empty(), Optional.empty());

    List<Credential> all = credentials.list(s.workspace().id(), none, 0, 100);
    assertThat(all).extracting(Credential::id).containsExactlyElementsOf(ids2(made));
    List<Credential> first = credentials.list(s.workspace().id(), none, 0, 2);
    List<Credential> second = credentials.list(s.workspace().id(), none, first.get(1).seq(), 2);
    List<Credential> third = credentials.list(s.workspace().id(), none, second.get(1).seq(), 2);
    assertThat(first)
        .extracting(Credential::id)
        .containsExactly(made.get(0).id(), made.get(1).id());
    assertThat(second)
        .extracting(Credential::id)
        .containsExactly(made.get(2).id(), made.get(3).id());
    assertThat(third).extracting(Credential::id).containsExactly(made.get(4).id());
    assertThat(credentials.list(otherWs.id(), none, 0, 100)).hasSize(5);
    assertThat(credentials.list(Ids.newId(), none, 0, 100)).isEmpty();
  }

  @Test
  void countByComponentWhenCredentialsOfSeveralComponentsThenEachCountedInItsWorkspaceOnly() {
    Scene s = scene();
    Workspace otherWs = workspace(contract(s.tenant()), "other counts");
    Component second = component(s.tenant().location());
    AuthClient both = authClient(List.of(s.component().id(), second.id()), new NoAuthSettings());
    for (int i = 0; i < 3; i++) {
      credential(s, both, s.component(), new CredentialSecrets.None());
    }
    credential(s, both, second, new CredentialSecrets.None());
    credentials.insert(newCredential(s, s.noauth(), new CredentialSecrets.None(), otherWs.id()));

    assertThat(credentials.countByComponent(s.workspace().id()))
        .containsOnly(Map.entry(s.component().id(), 3), Map.entry(second.id(), 1));
    assertThat(credentials.countByComponent(otherWs.id()))
        .containsOnly(Map.entry(s.component().id(), 1));
    assertThat(credentials.countByComponent(Ids.newId())).isEmpty();
  }

  @Test
  void listCredentialsWhenFilteredThenEveryPresentFilterMustMatch() {
    Scene s = scene();
    Component second = component(s.tenant().location());
    AuthClient both = authClient(List.of(s.component().id(), second.id()), new NoAuthSettings());
    Credential bothFirst = credential(s, both, s.component(), new CredentialSecrets.None());
    Credential bothSecond = credential(s, both, second, new CredentialSecrets.None());
    Credential basicFirst =
        credential(s, s.basic(), s.component(), new CredentialSecrets.Basic("u", Secret.of("p")));
    Credential broken = credential(s, both, second, new CredentialSecrets.None());
    assertThat(
            credentials.compareAndSet(
                withState(
                    broken,
                    CredentialState.NEEDS_REAUTH,
                    Optional.of(new CredentialError("invalid_grant", "revoked", T0)))))
        .isTrue();

    assertThat(list(s, Optional.of(second.id()), Optional.empty(), Optional.empty()))
        .containsExactly(bothSecond.id(), broken.id());
    assertThat(list(s, Optional.empty(), Optional.of(both.id()), Optional.empty()))
        .containsExactly(bothFirst.id(), bothSecond.id(), broken.id());
    assertThat(list(s, Optional.empty(), Optional.empty(), Optional.of(CredentialState.READY)))
        .containsExactly(bothFirst.id(), bothSecond.id(), basicFirst.id());
    assertThat(
            list(s, Optional.empty(), Optional.empty(), Optional.of(CredentialState.NEEDS_REAUTH)))
        .containsExactly(broken.id());
    assertThat(
            list(
                s,
                Optional.of(second.id()),
                Optional.of(both.id()),
                Optional.of(CredentialState.READY)))
        .containsExactly(bothSecond.id());
    assertThat(
            list(s, Optional.of(s.component().id()), Optional.of(s.basic().id()), Optional.empty()))
        .containsExactly(basicFirst.id());
    assertThat(list(s, Optional.of(second.id()), Optional.of(s.basic().id()), Optional.empty()))
        .isEmpty();
    assertThat(list(s, Optional.empty(), Optional.empty(), Optional.of(CredentialState.ERROR)))
        .isEmpty();
  }

  @Test
  void compareAndSetWhenVersionIsCurrentThenEveryFieldIsWrittenAndVersionBumpedOnce() {
    Scene s = scene();
    Credential c =
        credential(
            s, s.oauth2(), new CredentialSecrets.Tokens(Secret.of("old-at"), Optional.empty()));
    Instant now = clock.advance();
    CredentialError error =
        new CredentialError("invalid_grant", "the refresh token was revoked", T0);
    Credential updated =
        new Credential(
            c.id(),
            new Credential.Owner(c.workspaceId(), c.authClientId(), c.componentId(), c.createdBy()),
            "renamed",
            new Credential.Grant(
                c.type(),
                new CredentialSecrets.Tokens(Secret.of("new-at"), Optional.of(Secret.of("new-rt"))),
                Optional.of(T0.plusSeconds(3600)),
                Optional.of("read write")),
            Credential.Condition.of(CredentialState.NEEDS_REAUTH, Optional.of(error)),
            new Credential.Revision(c.version(), c.createdAt(), c.updatedAt(), c.seq()));

    assertThat(credentials.compareAndSet(updated)).isTrue();

    Credential found = credentials.find(c.id()).orElseThrow();
    assertThat(found.version()).isEqualTo(c.version() + 1);
    assertThat(found.updatedAt()).isEqualTo(now);
    assertThat(found)
        .usingRecursiveComparison()
        .ignoringFields("revision.version", "revision.updatedAt")
        .isEqualTo(updated);
    assertThat(found.hasRefreshToken()).isTrue();

    Credential cleared =
        found.withSecrets(
            new CredentialSecrets.Tokens(Secret.of("third-at"), Optional.empty()),
            Optional.empty(),
            Optional.empty());
    assertThat(credentials.compareAndSet(cleared)).isTrue();
    Credential again = credentials.find(c.id()).orElseThrow();
    assertThat(again.version()).isEqualTo(c.version() + 2);
    assertThat(again.state()).isEqualTo(CredentialState.READY);
    assertThat(again.error()).isEmpty();
    assertThat(again.expiresAt()).isEmpty();
    assertThat(again.scope()).isEmpty();
    assertThat(again.hasRefreshToken()).isFalse();
    assertThat(again.secrets()).isEqualTo(cleared.secrets());
  }

  @Test
  void compareAndSetWhenVersionIsStaleThenFalseAndNothingIsWritten() {
    Scene s = scene();
    Credential c = credential(s, s.basic(), new CredentialSecrets.Basic("u", Secret.of("first")));
    assertThat(credentials.compareAndSet(c.withName("winner"))).isTrue();
    Credential afterWin = credentials.find(c.id()).orElseThrow();
    clock.advance();

    Credential stale =
        c.withName("loser")
            .withSecrets(
                new CredentialSecrets.Basic("u", Secret.of("stale")),
                Optional.empty(),
                Optional.empty());
    assertThat(credentials.compareAndSet(stale)).isFalse();
    Credential ahead =
        new Credential(
            c.id(),
            new Credential.Owner(c.workspaceId(), c.authClientId(), c.componentId(), c.createdBy()),
            "future",
            new Credential.Grant(c.type(), c.secrets(), c.expiresAt(), c.scope()),
            Credential.Condition.of(c.state(), c.error()),
            new Credential.Revision(c.version() + 5, c.createdAt(), c.updatedAt(), c.seq()));
    assertThat(credentials.compareAndSet(ahead)).isFalse();

    Credential found = credentials.find(c.id()).orElseThrow();
    assertThat(found).usingRecursiveComparison().isEqualTo(afterWin);
    assertThat(found.name()).isEqualTo("winner");
    assertThat(found.secrets()).isEqualTo(c.secrets());
    assertThat(found.version()).isEqualTo(c.version() + 1);
  }

  @Test
  void
      credentialWhenItsCiphertextCannotBeDecryptedThenItReadsInErrorNamingTheKeysetAndOthersAsStored() {
    Scene s = scene();
    Credential kept = credential(s, s.basic(), new CredentialSecrets.Basic("u", Secret.of("pw")));
    Credential broken =
        credential(
            s,
            s.oauth2(),
            new CredentialSecrets.Tokens(Secret.of("at-x"), Optional.of(Secret.of("rt-x"))));
    byte[] original = credentialCiphertext(broken.id());
    byte[] altered = original.clone();
    altered[altered.length - 1] ^= 0x01;
    storeCredentialCiphertext(broken.id(), altered);

    Credential found = credentials.find(broken.id()).orElseThrow();
    assertThat(found.secrets()).isEqualTo(new CredentialSecrets.Unreadable());
    assertThat(found.state()).isEqualTo(CredentialState.ERROR);
    CredentialError error = found.error().orElseThrow();
    assertThat(error.code()).isEqualTo(CredentialSecrets.Unreadable.CODE);
    assertThat(error.detail())
        .contains(broken.id())
        .contains("keyset has " + keyring.fingerprint())
        .contains("names key " + Integer.toUnsignedString(keyring.primaryKeyId()));
    assertThat(found.expiresAt()).isEqualTo(broken.expiresAt());
    assertThat(
            credentials.list(
                s.workspace().id(),
                new CredentialRepository.Filter(
                    Optional.empty(), Optional.empty(), Optional.empty()),
                0,
                100))
        .extracting(Credential::id, Credential::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(kept.id(), CredentialState.READY),
            org.assertj.core.groups.Tuple.tuple(broken.id(), CredentialState.ERROR));

    // A rename is written; the ciphertext and the stored state are left for the right keyset.
    assertThat(credentials.compareAndSet(found.withName("renamed"))).isTrue();
    assertThat(credentialCiphertext(broken.id())).isEqualTo(altered);
    storeCredentialCiphertext(broken.id(), original);
    Credential restored = credentials.find(broken.id()).orElseThrow();
    assertThat(restored.name()).isEqualTo("renamed");
    assertThat(restored.state()).isEqualTo(CredentialState.READY);
    assertThat(restored.secrets()).isEqualTo(broken.secrets());
    assertThat(restored.version()).isEqualTo(broken.version() + 1);
  }

  @Test
  void verificationWhenRecordedThenReadBackWithoutANewVersionAndKeptByLaterWrites() {
    Scene s = scene();
    VerifyRequest request =
        new VerifyRequest(
            Map.of(
                "method",
                "GET",
                "url",
                "\"https://api.example.com/me ✓\"",
                "headers",
                List.of(Map.of("key", "Accept", "value", "\"application/json\""))));
    Credential c =
        credential(s, s.basic(), new CredentialSecrets.Basic("u", Secret.of("pw")))
            .withVerifyRequest(Optional.of(request));
    assertThat(credentials.compareAndSet(c)).isTrue();
    Credential withRequest = credentials.find(c.id()).orElseThrow();
    assertThat(withRequest.verifyRequest()).contains(request);
    assertThat(withRequest.lastVerification()).isEmpty();

    Verification failed =
        new Verification(false, T0.plusSeconds(5), true, Optional.of(403), "answered 403 ✓");
    assertThat(credentials.recordVerification(c.id(), failed)).isTrue();
    Credential verified = credentials.find(c.id()).orElseThrow();
    assertThat(verified.lastVerification()).contains(failed);
    assertThat(verified.version()).isEqualTo(withRequest.version());
    assertThat(verified.updatedAt()).isEqualTo(withRequest.updatedAt());

    // A write from a read made before the check keeps the check; so does a new verify request.
    assertThat(credentials.compareAndSet(withRequest.withName("renamed"))).isTrue();
    Credential renamed = credentials.find(c.id()).orElseThrow();
    assertThat(renamed.lastVerification()).contains(failed);
    Verification offline =
        new Verification(true, T0.plusSeconds(9), false, Optional.empty(), "present");
    assertThat(credentials.recordVerification(c.id(), offline)).isTrue();
    assertThat(credentials.compareAndSet(renamed.withVerifyRequest(Optional.empty()))).isTrue();
    Credential cleared = credentials.find(c.id()).orElseThrow();
    assertThat(cleared.verifyRequest()).isEmpty();
    assertThat(cleared.lastVerification()).contains(offline);
    assertThat(credentials.recordVerification(Ids.newId(), offline)).isFalse();
  }

  @Test
  void compareAndSetWhenTheCredentialIsGoneThenFalse() {
    Scene s = scene();
    Credential c = credential(s, s.noauth(), new CredentialSecrets.None());
    credentials.delete(c.id());
    assertThat(credentials.compareAndSet(c.withName("ghost"))).isFalse();
    assertThat(credentials.find(c.id())).isEmpty();
  }

  @Test
  void compareAndSetWhenTwoThreadsRaceOnTheSameVersionThenExactlyOneWinsEveryRound()
      throws Exception {
    Scene s = scene();
    Credential c =
        credential(s, s.oauth2(), new CredentialSecrets.Tokens(Secret.of("t0"), Optional.empty()));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 50; round++) {
        Credential current = credentials.find(c.id()).orElseThrow();
        CyclicBarrier barrier = new CyclicBarrier(2);
        List<Credential> contenders = new ArrayList<>();
        List<Future<Boolean>> results = new ArrayList<>();
        for (String who : List.of("a", "b")) {
          Credential mine =
              current
                  .withName("round " + round + " " + who)
                  .withSecrets(
                      new CredentialSecrets.Tokens(
                          Secret.of("token " + round + " " + who), Optional.empty()),
                      current.expiresAt(),
                      current.scope());
          contenders.add(mine);
          results.add(
              pool.submit(
                  () -> {
                    barrier.await();
                    return credentials.compareAndSet(mine);
                  }));
        }
        boolean a = results.get(0).get();
        boolean b = results.get(1).get();
        assertThat(a ^ b).as("exactly one winner in round %d (a=%s, b=%s)", round, a, b).isTrue();
        Credential winner = a ? contenders.get(0) : contenders.get(1);
        Credential stored = credentials.find(c.id()).orElseThrow();
        assertThat(stored.version()).isEqualTo(current.version() + 1);
        assertThat(stored.name()).isEqualTo(winner.name());
        assertThat(stored.secrets()).isEqualTo(winner.secrets());
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(credentials.find(c.id()).orElseThrow().version()).isEqualTo(c.version() + 50);
  }

  @Test
  void deleteCredentialWhenPresentThenGoneAndTheAuthClientIsFreeAgain() {
    Scene s = scene();
    Credential c = credential(s, s.apiKey(), new CredentialSecrets.ApiKey(Optional.empty()));
    Credential kept = credential(s, s.noauth(), new CredentialSecrets.None());
    credentials.delete(c.id());
    assertThat(credentials.find(c.id())).isEmpty();
    assertThat(credentials.find(kept.id())).isPresent();
    assertThat(authClients.countCredentials(s.apiKey().id())).isZero();
    credentials.delete(c.id());
    authClients.delete(s.apiKey().id());
    assertThat(authClients.find(s.apiKey().id())).isEmpty();
  }

  // ---------------------------------------------------------------- audit

  @Test
  void auditRecordsWhenRecordedThenListedPerCredentialOldestFirstWithEveryField() {
    String credential = Ids.newId();
    AuditRecord first = release(T0, credential, "credential.access", "why ✓");
    AuditRecord second =
        release(T0.minusSeconds(10), credential, "credential.request", "runtime call").withUses(3);
    AuditRecord other = release(T0, Ids.newId(), "credential.access", "x");
    audit.record(first);
    audit.record(other);
    audit.record(second);
    // Not a release: kept in the trail, not in the credential's list of releases.
    audit.record(release(T0, credential, "credential.updated", "renamed"));

    assertThat(audit.ofCredential(credential)).containsExactly(first, second);
    assertThat(audit.ofCredential(other.subject().id())).containsExactly(other);
  }

  @Test
  void auditRecordsWhenAnOlderReleaseWritesOnlyTheFirstColumnsThenReadAsAUsersReleaseOfIt() {
    String credential = Ids.newId();
    String user = Ids.newId();
    // As a process of the release before the trail inserts, during a rolling upgrade.
    database
        .jdbc()
        .update(
            "INSERT INTO audit_records (at, user_id, workspace_id, credential_id, action, reason,"
                + " uses) VALUES (?, ?, ?, ?, ?, ?, ?)",
            T0,
            user,
            Ids.newId(),
            credential,
            "credential.access",
            "old release",
            1L);

    AuditRecord read = audit.ofCredential(credential).get(0);
    List<io.credflow.audit.AuditEntry> found =
        audit.list(
            new io.credflow.audit.AuditScope.Everything(),
            new io.credflow.audit.AuditFilter(
                Optional.empty(),
                Optional.of(user),
                Optional.of(credential),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()),
            io.credflow.common.PageRequest.first(10),
            10);

    assertThat(read.actor())
        .isEqualTo(new Actor(Actor.Type.USER, user, Optional.of(user), Optional.empty()));
    assertThat(read.subject()).isEqualTo(Subject.of(Subject.CREDENTIAL, credential));
    assertThat(read.origin().reason()).contains("old release");
    assertThat(found).extracting(io.credflow.audit.AuditEntry::record).containsExactly(read);
  }

  /** A release of {@code credential} by a user through an API key, from an address, with why. */
  private static AuditRecord release(Instant at, String credential, String action, String reason) {
    return AuditRecord.of(
            at,
            Actor.apiKey(Ids.newId(), Ids.newId(), "ada@example.com"),
            action,
            Subject.of(Subject.CREDENTIAL, credential),
            Place.workspace(Ids.newId()),
            new Origin(Optional.of("203.0.113.9"), Optional.of(reason)))
        .with("step", "2");
  }

  // ---------------------------------------------------------------- transactions, time

  @Test
  void inTransactionWhenTheWorkThrowsThenEveryWriteIsRolledBack() {
    Tenant t = new Tenant(Ids.newId(), "rolled back", T0, 0);
    Contract c = new Contract(Ids.newId(), t.id(), "rolled back", T0, 0);
    Tenant kept = tenant("kept");
    User u = user();
    IllegalStateException boom = new IllegalStateException("boom");

    assertThatThrownBy(
            () ->
                database
                    .jdbc()
                    .inTransaction(
                        () -> {
                          tenancy.insertTenant(t);
                          tenancy.insertContract(c);
                          tenancy.upsertMembership(
                              new Membership(u.id(), kept.location(), Role.ADMIN, T0, 0));
                          assertThat(tenancy.findTenant(t.id())).isPresent();
                          throw boom;
                        }))
        .isSameAs(boom);

    assertThat(tenancy.findTenant(t.id())).isEmpty();
    assertThat(tenancy.findContract(c.id())).isEmpty();
    assertThat(tenancy.membershipsOf(u.id())).isEmpty();
    assertThat(tenancy.findTenant(kept.id())).isPresent();
  }

  @Test
  void inTransactionWhenAConflictHappensInsideThenEarlierWritesAreRolledBack() {
    Tenant existing = tenant("existing");
    Tenant fresh = new Tenant(Ids.newId(), "fresh", T0, 0);
    assertThatThrownBy(
            () ->
                database
                    .jdbc()
                    .inTransaction(
                        () -> {
                          tenancy.insertTenant(fresh);
                          tenancy.insertTenant(new Tenant(existing.id(), "dup", T0, 0));
                        }))
        .isInstanceOf(ConflictException.class);
    assertThat(tenancy.findTenant(fresh.id())).isEmpty();
    assertThat(tenancy.findTenant(existing.id()).orElseThrow().name()).isEqualTo("existing");
  }

  @Test
  void inTransactionWhenNestedAndTheOuterWorkThrowsThenTheInnerWritesAreRolledBackToo() {
    Tenant inner = new Tenant(Ids.newId(), "inner", T0, 0);
    Tenant outer = new Tenant(Ids.newId(), "outer", T0, 0);
    assertThatThrownBy(
            () ->
                database
                    .jdbc()
                    .inTransaction(
                        () -> {
                          tenancy.insertTenant(outer);
                          database.jdbc().inTransaction(() -> tenancy.insertTenant(inner));
                          throw new IllegalStateException("after the inner transaction");
                        }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(tenancy.findTenant(inner.id())).isEmpty();
    assertThat(tenancy.findTenant(outer.id())).isEmpty();
  }

  @Test
  void inTransactionWhenTheWorkSucceedsThenItsWritesAreCommittedAndItsResultReturned() {
    Tenant t = new Tenant(Ids.newId(), "committed", T0, 0);
    Contract c = new Contract(Ids.newId(), t.id(), "committed", T0, 0);
    String result =
        database
            .jdbc()
            .inTransaction(
                () -> {
                  tenancy.insertTenant(t);
                  tenancy.insertContract(c);
                  return "done";
                });
    assertThat(result).isEqualTo("done");
    assertThat(tenancy.findTenant(t.id())).isPresent();
    assertThat(tenancy.findContract(c.id())).isPresent();
  }

  @Test
  void timestampsWhenStoredThenRoundTripToTheMicrosecondAndFinerDigitsAreDropped() {
    Instant micros = Instant.parse("2031-12-31T23:59:59.999999Z");
    Instant nanos = Instant.parse("2024-02-29T12:00:00.123456789Z");
    Instant old = Instant.parse("1999-01-01T00:00:00.000001Z");
    for (Instant at : List.of(micros, nanos, old, T0)) {
      Tenant t = new Tenant(Ids.newId(), "time", at, 0);
      tenancy.insertTenant(t);
      assertThat(tenancy.findTenant(t.id()).orElseThrow().createdAt())
          .as(at.toString())
          .isEqualTo(at.truncatedTo(ChronoUnit.MICROS));
    }
    Scene s = scene();
    Credential c =
        newCredential(
            s, s.oauth2(), new CredentialSecrets.Tokens(Secret.of("a"), Optional.empty()));
    Credential timed =
        new Credential(
            c.id(),
            new Credential.Owner(c.workspaceId(), c.authClientId(), c.componentId(), c.createdBy()),
            c.name(),
            new Credential.Grant(c.type(), c.secrets(), Optional.of(micros), c.scope()),
            Credential.Condition.of(
                CredentialState.ERROR, Optional.of(new CredentialError("x", "y", nanos))),
            new Credential.Revision(c.version(), old, nanos, 0));
    credentials.insert(timed);
    Credential found = credentials.find(c.id()).orElseThrow();
    assertThat(found.expiresAt()).contains(micros);
    assertThat(found.error().orElseThrow().at()).isEqualTo(nanos.truncatedTo(ChronoUnit.MICROS));
    assertThat(found.createdAt()).isEqualTo(old);
    assertThat(found.updatedAt()).isEqualTo(nanos.truncatedTo(ChronoUnit.MICROS));
  }

  // ---------------------------------------------------------------- helpers

  /** The tenant, component, user, workspace and one auth-client of each type a test needs. */
  private record Scene(
      Tenant tenant,
      Workspace workspace,
      Component component,
      User user,
      AuthClient noauth,
      AuthClient basic,
      AuthClient apiKey,
      AuthClient oauth2,
      AuthClient instagram) {}

  private Scene scene() {
    Tenant t = tenant("scene");
    Workspace w = workspace(contract(t), "scene ws");
    Component c = component(t.location());
    return new Scene(
        t,
        w,
        c,
        user(),
        authClient(c, new NoAuthSettings()),
        authClient(c, new BasicSettings(Optional.of("default"))),
        authClient(
            c,
            new ApiKeySettings(
                "X-Api-Key", Optional.of(Secret.of("shared")), ApiKeySettings.Placement.HEADER)),
        authClient(c, oauth2Minimal("scene-client")),
        authClient(
            c,
            new InstagramSettings(
                "ig",
                Secret.of("ig-secret"),
                InstagramSettings.DEFAULT_AUTH_URI,
                InstagramSettings.DEFAULT_TOKEN_URI,
                InstagramSettings.DEFAULT_EXCHANGE_URI,
                InstagramSettings.DEFAULT_REFRESH_URI,
                InstagramSettings.DEFAULT_TOKEN_EXPIRES_IN,
                Optional.empty())));
  }

  /** What {@code users.key_digest}, read only by the previous version, holds for the user. */
  private Optional<byte[]> legacyKeyDigest(String userId) {
    return database
        .jdbc()
        .queryOne(
            "SELECT key_digest FROM users WHERE id = ?",
            rs -> Optional.ofNullable(rs.getBytes("key_digest")),
            userId)
        .flatMap(d -> d);
  }

  /** The highest sequence number in use in {@code table}: rows made after this list after it. */
  private long position(String table) {
    return database
        .jdbc()
        .queryOne("SELECT COALESCE(MAX(seq), 0) FROM " + table, rs -> rs.getLong(1))
        .orElse(0L);
  }

  private Tenant tenant(String name) {
    Tenant t = new Tenant(Ids.newId(), name, T0, 0);
    tenancy.insertTenant(t);
    return tenancy.findTenant(t.id()).orElseThrow();
  }

  private Contract contract(Tenant t) {
    Contract c = new Contract(Ids.newId(), t.id(), "contract", T0, 0);
    tenancy.insertContract(c);
    return tenancy.findContract(c.id()).orElseThrow();
  }

  private Workspace workspace(Contract c, String name) {
    Workspace w = new Workspace(Ids.newId(), c.id(), c.tenantId(), name, T0, 0);
    tenancy.insertWorkspace(w);
    return tenancy.findWorkspace(w.id()).orElseThrow();
  }

  private User user() {
    User u = new User(Ids.newId(), Ids.newId() + "@example.com", false, T0, 0);
    tenancy.insertUser(u, sha256(u.id()));
    return tenancy.findUser(u.id()).orElseThrow();
  }

  private static Descriptor descriptor(Map<String, Object> document) {
    return DescriptorParser.parse(document, "/descriptor");
  }

  private Component component(Location at) {
    Descriptor d =
        descriptor(
            Map.of(
                "title",
                "REST API V2",
                "authClientTypes",
                List.of("oauth2", "basic", "api_key", "noauth", "oauth2_instagram")));
    Component c = new Component(Ids.newId(), "REST API V2", at, d, T0, T0, 0);
    components.insert(c);
    return components.find(c.id()).orElseThrow();
  }

  private AuthClient authClient(Component c, AuthClientSettings settings) {
    return authClient(List.of(c.id()), settings);
  }

  private AuthClient authClient(List<String> componentIds, AuthClientSettings settings) {
    String tenantId = components.find(componentIds.get(0)).orElseThrow().deployedAt().tenantId();
    AuthClient a =
        new AuthClient(
            Ids.newId(),
            settings.type().wireName() + " client",
            settings,
            Optional.of(Location.tenant(tenantId)),
            tenantId,
            componentIds,
            T0,
            T0.plusMillis(5),
            0);
    authClients.insert(a);
    return authClients.find(a.id()).orElseThrow();
  }

  private static OAuth2Settings oauth2Minimal(String clientId) {
    return new OAuth2Settings(
        clientId,
        Secret.of("secret-of-" + clientId),
        URI.create("https://provider.example.com/authorize"),
        URI.create("https://provider.example.com/token"),
        Optional.empty(),
        OAuth2Settings.DEFAULT_TOKEN_EXPIRES_IN,
        Optional.empty(),
        OAuth2Settings.ClientAuth.POST,
        true,
        Optional.empty(),
        Map.of());
  }

  private static OAuth2Settings oauth2Full() {
    return new OAuth2Settings(
        "full-client",
        Secret.of("full-secret:+%/✓"),
        URI.create("https://provider.example.com/authorize?tenant=x"),
        URI.create("https://provider.example.com/token"),
        Optional.of(URI.create("https://provider.example.com/refresh")),
        7200,
        Optional.of(URI.create("https://provider.example.com/revoke")),
        OAuth2Settings.ClientAuth.BASIC,
        false,
        Optional.of(List.of("read", "write")),
        Map.of("access_type", "offline", "prompt", "consent"));
  }

  private Credential newCredential(Scene s, AuthClient a, CredentialSecrets secrets) {
    return newCredential(s, a, secrets, s.workspace().id());
  }

  private Credential newCredential(
      Scene s, AuthClient a, CredentialSecrets secrets, String workspaceId) {
    return new Credential(
        Ids.newId(),
        new Credential.Owner(workspaceId, a.id(), a.componentIds().get(0), s.user().id()),
        a.type().wireName() + " credential",
        new Credential.Grant(a.type(), secrets, Optional.empty(), Optional.empty()),
        Credential.Condition.of(CredentialState.READY, Optional.empty()),
        new Credential.Revision(1, T0, T0, 0));
  }

  private static Credential withDetails(Credential c) {
    return new Credential(
        c.id(),
        new Credential.Owner(c.workspaceId(), c.authClientId(), c.componentId(), c.createdBy()),
        c.name(),
        new Credential.Grant(
            c.type(),
            c.secrets(),
            Optional.of(T0.plusSeconds(3600)),
            Optional.of("read write offline_access")),
        Credential.Condition.of(
            CredentialState.ERROR,
            Optional.of(
                new CredentialError("token_endpoint_failed", "the provider answered 503", T0))),
        new Credential.Revision(7, c.createdAt().minusSeconds(30), c.updatedAt(), c.seq()));
  }

  private static Credential withState(
      Credential c, CredentialState state, Optional<CredentialError> error) {
    return new Credential(
        c.id(),
        new Credential.Owner(c.workspaceId(), c.authClientId(), c.componentId(), c.createdBy()),
        c.name(),
        new Credential.Grant(c.type(), c.secrets(), c.expiresAt(), c.scope()),
        Credential.Condition.of(state, error),
        new Credential.Revision(c.version(), c.createdAt(), c.updatedAt(), c.seq()));
  }

  private Credential credential(Scene s, AuthClient a, CredentialSecrets secrets) {
    Credential c = newCredential(s, a, secrets);
    credentials.insert(c);
    return credentials.find(c.id()).orElseThrow();
  }

  private Credential credential(
      Scene s, AuthClient a, Component component, CredentialSecrets secrets) {
    Credential base = newCredential(s, a, secrets);
    Credential c =
        new Credential(
            base.id(),
            new Credential.Owner(
                base.workspaceId(), base.authClientId(), component.id(), base.createdBy()),
            base.name(),
            new Credential.Grant(base.type(), base.secrets(), base.expiresAt(), base.scope()),
            Credential.Condition.of(base.state(), base.error()),
            new Credential.Revision(base.version(), base.createdAt(), base.updatedAt(), 0));
    credentials.insert(c);
    return credentials.find(c.id()).orElseThrow();
  }

  private List<String> list(
      Scene s,
      Optional<String> componentId,
      Optional<String> authClientId,
      Optional<CredentialState> state) {
    return credentials
        .list(
            s.workspace().id(),
            new CredentialRepository.Filter(componentId, authClientId, state),
            0,
            100)
        .stream()
        .map(Credential::id)
        .toList();
  }

  private byte[] credentialCiphertext(String id) {
    return database
        .jdbc()
        .queryOne("SELECT secrets FROM credentials WHERE id = ?", rs -> rs.getBytes(1), id)
        .orElseThrow();
  }

  private void storeCredentialCiphertext(String id, byte[] ciphertext) {
    assertThat(
            database
                .jdbc()
                .update("UPDATE credentials SET secrets = ? WHERE id = ?", ciphertext, id))
        .isEqualTo(1);
  }

  private record Row(String settings, byte[] secrets) {}

  private Row authClientRow(String id) {
    return database
        .jdbc()
        .queryOne(
            "SELECT settings, secrets FROM auth_clients WHERE id = ?",
            rs -> new Row(rs.getString("settings"), rs.getBytes("secrets")),
            id)
        .orElseThrow();
  }

  private static List<String> ids(List<Workspace> workspaces) {
    return workspaces.stream().map(Workspace::id).toList();
  }

  private static List<String> ids2(List<Credential> list) {
    return list.stream().map(Credential::id).toList();
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A clock tests move by hand; each step is one second and a few microseconds. */
  private static final class SettableClock extends Clock {
    private final AtomicLong micros;

    SettableClock(Instant start) {
      micros = new AtomicLong(ChronoUnit.MICROS.between(Instant.EPOCH, start));
    }

    /** Moves on and returns the new time. */
    Instant advance() {
      micros.addAndGet(1_000_007);
      return instant();
    }

    @Override
    public Instant instant() {
      return Instant.EPOCH.plus(micros.get(), ChronoUnit.MICROS);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
