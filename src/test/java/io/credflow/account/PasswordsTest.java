package io.credflow.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.credflow.common.Secret;
import io.credflow.common.ValidationException;
import org.junit.jupiter.api.Test;

class PasswordsTest {
  private static final Secret PASSWORD = Secret.of("correct horse battery staple");
  private final Passwords passwords = Passwords.defaults();

  @Test
  void hashWhenMadeThenAnArgon2idPhcStringWithOwaspsMinimumAndAFreshSalt() {
    String hash = passwords.hash(PASSWORD);

    assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
    assertThat(hash).doesNotContain(PASSWORD.reveal());
    assertThat(passwords.hash(PASSWORD)).as("another salt").isNotEqualTo(hash);
  }

  @Test
  void matchesWhenThePasswordIsTheOneHashedThenTrueAndOtherwiseFalse() {
    String hash = passwords.hash(PASSWORD);

    assertThat(passwords.matches(PASSWORD, hash)).isTrue();
    assertThat(passwords.matches(Secret.of("correct horse battery stapl"), hash)).isFalse();
    assertThat(passwords.matches(Secret.of(""), hash)).isFalse();
  }

  @Test
  void matchesWhenTheHashWasMadeWithOtherParametersThenItStillVerifiesAndWantsRenewing() {
    Passwords cheaper = Passwords.argon2id(1024, 1, 1);
    String old = cheaper.hash(PASSWORD);

    assertThat(passwords.matches(PASSWORD, old)).isTrue();
    assertThat(passwords.needsRehash(old)).isTrue();
    assertThat(passwords.needsRehash(passwords.hash(PASSWORD))).isFalse();
  }

  @Test
  void matchesWhenTheHashIsMalformedThenFalseWithoutAnError() {
    for (String broken :
        new String[] {"", "garbage", "$argon2id$v=19$m=19456,t=2,p=1$", "$2a$10$abcdefghijk"}) {
      assertThat(passwords.matches(PASSWORD, broken)).as(broken).isFalse();
      assertThat(passwords.needsRehash(broken)).as(broken).isTrue();
    }
  }

  @Test
  void matchesWhenTheSameTextIsComposedDifferentlyThenItMatches() {
    Secret composed = Secret.of("caf\u00e9 au lait, s'il vous pla\u00eet");
    Secret decomposed = Secret.of("cafe\u0301 au lait, s'il vous plai\u0302t");
    assertThat(passwords.matches(decomposed, passwords.hash(composed))).isTrue();
  }

  @Test
  void checkPolicyWhenShorterThanTwelveOrLongerThan1024CharactersThenAViolationOnPassword() {
    Passwords.checkPolicy(Secret.of("x".repeat(12)));
    Passwords.checkPolicy(Secret.of("x".repeat(1024)));
    Passwords.checkPolicy(Secret.of("\uD83D\uDD11".repeat(12)));

    assertThatThrownBy(() -> Passwords.checkPolicy(Secret.of("eleven-char")))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> {
              assertThat(e.violations()).hasSize(1);
              assertThat(e.violations().get(0).field()).isEqualTo("password");
              assertThat(e.violations().get(0).code()).isEqualTo("password_too_short");
            })
        .hasMessageContaining("at least 12 characters")
        .hasMessageNotContaining("eleven-char");
    assertThatThrownBy(() -> Passwords.checkPolicy(Secret.of("y".repeat(1025))))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> assertThat(e.violations().get(0).code()).isEqualTo("password_too_long"))
        .hasMessageContaining("at most 1024 characters");
  }

  @Test
  void argon2idWhenParametersCannotWorkThenRefused() {
    assertThatThrownBy(() -> Passwords.argon2id(19456, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Passwords.argon2id(7, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Passwords.argon2id(19456, 2, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toStringWhenPrintedThenItNamesTheParametersOnly() {
    assertThat(passwords.toString()).isEqualTo("Passwords[argon2id, m=19456 KiB, t=2, p=1]");
  }
}
