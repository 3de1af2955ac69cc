package io.credflow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.credflow.account.AccountRepository.Account;
import io.credflow.account.AccountRepository.StoredSession;
import io.credflow.account.AccountRepository.StoredSetupLink;
import io.credflow.common.ConflictException;
import io.credflow.common.Ids;
import io.credflow.tenancy.User;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The contract of passwords, sessions and setup links on every database Credflow runs on, run
 * against each by a subclass: round trips, compare-and-set, and what each delete leaves. One
 * database per subclass; every test makes its own users.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AccountRepositoryContract {
  /** A time with all six fractional digits used, so that a lost microsecond shows. */
  private static final Instant T0 = Instant.parse("2024-03-04T05:06:07.123456Z");

  private static final String HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";

  private Database database;
  private JdbcTenancyRepository tenancy;
  private JdbcAccountRepository accounts;

  protected abstract Database openDatabase();

  protected abstract void dropDatabase();

  @BeforeAll
  void openAndMigrate() {
    database = openDatabase();
    database.migrate();
    tenancy = new JdbcTenancyRepository(database.jdbc());
    accounts = new JdbcAccountRepository(database.jdbc());
  }

  @AfterAll
  void closeAndDrop() {
    if (database != null) {
      database.close();
    }
    dropDatabase();
  }

  // ---------------------------------------------------------------- passwords

  @Test
  void findAccountByEmailWhenTheUserHasNoPasswordThenItsIdWithoutAHash() {
    User u = user();
    assertThat(accounts.findAccountByEmail(u.email()))
        .contains(new Account(u.id(), Optional.empty()));
    assertThat(accounts.passwordHash(u.id())).isEmpty();
    assertThat(accounts.findAccountByEmail(Ids.newId() + "@example.com")).isEmpty();
  }

  @Test
  void setPasswordWhenSetAndReplacedThenTheLatestHashIsFoundByIdAndEmail() {
    User u = user();
    accounts.setPassword(u.id(), HASH, T0);
    assertThat(accounts.passwordHash(u.id())).contains(HASH);

    accounts.setPassword(u.id(), HASH + "2", T0.plusSeconds(1));

    assertThat(accounts.passwordHash(u.id())).contains(HASH + "2");
    assertThat(accounts.findAccountByEmail(u.email()))
        .contains(new Account(u.id(), Optional.of(HASH + "2")));
    assertThat(count("user_passwords", u.id())).isEqualTo(1);
  }

  @Test
  void setPasswordWhenTheUserIsMissingThenConflict() {
    assertThatThrownBy(() -> accounts.setPassword(Ids.newId(), HASH, T0))
        .isInstanceOf(ConflictException.class);
  }

  @Test
  void accountWhenPrintedThenTheHashDoesNotShow() {
    assertThat(new Account("u", Optional.of(HASH)).toString()).doesNotContain(HASH, "argon");
  }

  // ---------------------------------------------------------------- sessions

  @Test
  void sessionWhenInsertedThenFoundByItsDigestOnlyWithEveryField() {
    User u = user();
    byte[] digest = sha256(Ids.newId());
    StoredSession s = session(u, T0);
    accounts.insertSession(s, digest);

    assertThat(accounts.findSession(digest.clone())).contains(s);
    byte[] other = digest.clone();
    other[0] ^= 1;
    assertThat(accounts.findSession(other)).isEmpty();
  }

  @Test
  void insertSessionWhenTheDigestIsTakenThenConflict() {
    User u = user();
    byte[] digest = sha256(Ids.newId());
    accounts.insertSession(session(u, T0), digest);
    assertThatThrownBy(() -> accounts.insertSession(session(u, T0), digest.clone()))
        .isInstanceOf(ConflictException.class);
  }

  @Test
  void touchSessionWhenMovedThenOnlyForward() {
    User u = user();
    byte[] digest = sha256(Ids.newId());
    StoredSession s = session(u, T0);
    accounts.insertSession(s, digest);

    accounts.touchSession(s.id(), T0.plusSeconds(120));
    accounts.touchSession(s.id(), T0.plusSeconds(60));

    assertThat(accounts.findSession(digest).orElseThrow().lastSeenAt())
        .isEqualTo(T0.plusSeconds(120));
  }

  @Test
  void deleteSessionWhenByTokenOrByUserThenOnlyThoseGo() {
    User u = user();
    User v = user();
    byte[] u1 = sha256(Ids.newId());
    byte[] u2 = sha256(Ids.newId());
    byte[] v1 = sha256(Ids.newId());
    accounts.insertSession(session(u, T0), u1);
    accounts.insertSession(session(u, T0), u2);
    accounts.insertSession(session(v, T0), v1);

    assertThat(accounts.deleteSession(u1)).isTrue();
    assertThat(accounts.deleteSession(u1)).isFalse();
    assertThat(accounts.findSession(u2)).isPresent();

    accounts.insertSession(session(u, T0), u1);
    assertThat(accounts.deleteSessionsOf(u.id())).isEqualTo(2);
    assertThat(accounts.findSession(u1)).isEmpty();
    assertThat(accounts.findSession(u2)).isEmpty();
    assertThat(accounts.findSession(v1)).isPresent();
  }

  @Test
  void deleteEndedSessionsWhenSomeAreIdleOrPastTheirEndThenOnlyThoseGo() {
    User u = user();
    User v = user();
    Instant now = T0.plus(Duration.ofDays(1));
    Instant idleSince = now.minus(Duration.ofHours(12));
    byte[] live = sha256(Ids.newId());
    byte[] idle = sha256(Ids.newId());
    byte[] over = sha256(Ids.newId());
    byte[] otherIdle = sha256(Ids.newId());
    accounts.insertSession(
        new StoredSession(Ids.newId(), u.id(), T0, now.minusSeconds(60), now.plusSeconds(60)),
        live);
    accounts.insertSession(
        new StoredSession(Ids.newId(), u.id(), T0, idleSince, now.plusSeconds(60)), idle);
    accounts.insertSession(
        new StoredSession(Ids.newId(), u.id(), T0, now.minusSeconds(1), now), over);
    accounts.insertSession(
        new StoredSession(Ids.newId(), v.id(), T0, idleSince.minusSeconds(1), now.plusSeconds(9)),
        otherIdle);

    assertThat(accounts.deleteEndedSessions(Optional.of(u.id()), now, idleSince)).isEqualTo(2);
    assertThat(accounts.findSession(live)).isPresent();
    assertThat(accounts.findSession(idle)).isEmpty();
    assertThat(accounts.findSession(over)).isEmpty();
    assertThat(accounts.findSession(otherIdle)).as("another user's").isPresent();

    assertThat(accounts.deleteEndedSessions(Optional.empty(), now, idleSince)).isPositive();
    assertThat(accounts.findSession(otherIdle)).isEmpty();
    assertThat(accounts.findSession(live)).isPresent();
  }

  // ---------------------------------------------------------------- setup links

  @Test
  void setupLinkWhenInsertedThenFoundWithItsUsersEmailAndUnused() {
    User u = user();
    byte[] digest = sha256(Ids.newId());
    accounts.insertSetupLink(digest, u.id(), T0, T0.plus(Duration.ofHours(24)));

    assertThat(accounts.findSetupLink(digest.clone()))
        .contains(
            new StoredSetupLink(
                u.id(), u.email(), T0, T0.plus(Duration.ofHours(24)), Optional.empty()));
    assertThat(accounts.findSetupLink(sha256(Ids.newId()))).isEmpty();
  }

  @Test
  void useSetupLinkWhenUsedTwiceThenOnlyTheFirstWinsAndTheUseIsRecorded() {
    User u = user();
    byte[] digest = sha256(Ids.newId());
    accounts.insertSetupLink(digest, u.id(), T0, T0.plusSeconds(3600));

    assertThat(accounts.useSetupLink(digest, T0.plusSeconds(10))).isTrue();
    assertThat(accounts.useSetupLink(digest, T0.plusSeconds(11))).isFalse();

    assertThat(accounts.findSetupLink(digest).orElseThrow().usedAt()).contains(T0.plusSeconds(10));
  }

  @Test
  void useSetupLinkWhenAtOrPastItsExpiryOrUnknownThenRefused() {
    User u = user();
    byte[] digest = sha256(Ids.newId());
    accounts.insertSetupLink(digest, u.id(), T0, T0.plusSeconds(3600));

    assertThat(accounts.useSetupLink(digest, T0.plusSeconds(3600))).isFalse();
    assertThat(accounts.useSetupLink(sha256(Ids.newId()), T0)).isFalse();
    assertThat(accounts.findSetupLink(digest).orElseThrow().usedAt()).isEmpty();
  }

  @Test
  void deleteUnusedSetupLinksOfWhenTheUserHasUsedAndUnusedOnesThenOnlyItsUnusedOnesGo() {
    User u = user();
    User v = user();
    byte[] used = sha256(Ids.newId());
    byte[] unused = sha256(Ids.newId());
    byte[] others = sha256(Ids.newId());
    accounts.insertSetupLink(used, u.id(), T0, T0.plusSeconds(60));
    accounts.insertSetupLink(unused, u.id(), T0, T0.plusSeconds(60));
    accounts.insertSetupLink(others, v.id(), T0, T0.plusSeconds(60));
    accounts.useSetupLink(used, T0);

    assertThat(accounts.deleteUnusedSetupLinksOf(u.id())).isEqualTo(1);

    assertThat(accounts.findSetupLink(used)).isPresent();
    assertThat(accounts.findSetupLink(unused)).isEmpty();
    assertThat(accounts.findSetupLink(others)).isPresent();
  }

  @Test
  void deleteExpiredSetupLinksWhenSomeExpiredThenUsedOrNotTheyGoAndLiveOnesStay() {
    User u = user();
    Instant now = T0.plus(Duration.ofDays(400));
    byte[] expired = sha256(Ids.newId());
    byte[] expiredUsed = sha256(Ids.newId());
    byte[] live = sha256(Ids.newId());
    accounts.insertSetupLink(expired, u.id(), T0, now);
    accounts.insertSetupLink(expiredUsed, u.id(), T0, now.minusSeconds(1));
    accounts.useSetupLink(expiredUsed, T0);
    accounts.insertSetupLink(live, u.id(), T0, now.plusSeconds(1));

    assertThat(accounts.deleteExpiredSetupLinks(now)).isGreaterThanOrEqualTo(2);

    assertThat(accounts.findSetupLink(expired)).isEmpty();
    assertThat(accounts.findSetupLink(expiredUsed)).isEmpty();
    assertThat(accounts.findSetupLink(live)).isPresent();
  }

  // ---------------------------------------------------------------- helpers

  private User user() {
    User u = new User(Ids.newId(), Ids.newId() + "@example.com", false, T0, 0);
    tenancy.insertUser(u);
    return tenancy.findUser(u.id()).orElseThrow();
  }

  private static StoredSession session(User u, Instant at) {
    return new StoredSession(Ids.newId(), u.id(), at, at, at.plus(Duration.ofDays(7)));
  }

  private long count(String table, String userId) {
    return database
        .jdbc()
        .queryOne(
            "SELECT COUNT(*) AS n FROM " + table + " WHERE user_id = ?",
            rs -> rs.getLong("n"),
            userId)
        .orElse(0L);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
