package io.credflow.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.credflow.common.Secret;
import io.credflow.component.AuthClientType;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A credential's parts refuse combinations that cannot be true. */
class CredentialTest {
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final CredentialSecrets.Tokens TOKENS =
      new CredentialSecrets.Tokens(Secret.of("at-1"), Optional.empty());

  @ParameterizedTest
  @EnumSource(AuthClientType.class)
  void grantWhenTheSecretsAreAnotherTypesThenItCannotBeBuilt(AuthClientType type) {
    CredentialSecrets foreign =
        switch (type) {
          case NOAUTH, BASIC, API_KEY -> TOKENS;
          case OAUTH2, OAUTH2_INSTAGRAM -> new CredentialSecrets.Basic("u", Secret.of("p"));
        };

    assertThatThrownBy(() -> Credential.Grant.of(type, foreign))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(type.wireName());
  }

  @Test
  void grantWhenNotOAuthThenItHasNoExpiryNorScope() {
    assertThatThrownBy(
            () ->
                new Credential.Grant(
                    AuthClientType.API_KEY,
                    new CredentialSecrets.ApiKey(Optional.empty()),
                    Optional.of(NOW),
                    Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(
            new Credential.Grant(
                    AuthClientType.OAUTH2, TOKENS, Optional.of(NOW), Optional.of("read"))
                .expiresAt())
        .contains(NOW);
  }

  @Test
  void conditionWhenNotReadyWithoutAReasonThenItCannotBeBuilt() {
    assertThatThrownBy(
            () -> Credential.Condition.of(CredentialState.NEEDS_REAUTH, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Credential.Condition.of(CredentialState.ERROR, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    CredentialError why = new CredentialError("invalid_grant", "revoked", NOW);
    assertThat(Credential.Condition.of(CredentialState.NEEDS_REAUTH, Optional.of(why)).error())
        .contains(why);
    assertThat(Credential.Condition.of(CredentialState.READY, Optional.of(why)).error()).isEmpty();
  }

  @Test
  void withSecretsWhenANeedsReauthCredentialGetsNewTokensThenItIsReadyAgain() {
    Credential c =
        new Credential(
            "c1",
            new Credential.Owner("w1", "a1", "k1", "u1"),
            "tokens",
            new Credential.Grant(AuthClientType.OAUTH2, TOKENS, Optional.of(NOW), Optional.empty()),
            new Credential.Condition.NeedsReauth(new CredentialError("x", "y", NOW)),
            Credential.Revision.first(NOW));

    Credential renewed = c.withSecrets(TOKENS, Optional.of(NOW.plusSeconds(60)), Optional.empty());

    assertThat(renewed.state()).isEqualTo(CredentialState.READY);
    assertThat(renewed.error()).isEmpty();
    assertThat(renewed.type()).isEqualTo(AuthClientType.OAUTH2);
  }
}
