package io.credflow.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretMaskTest {
  private static final String SECRET = "Pa ss+w/rd=1";

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void applyWhenTheSecretAppearsInAnyOfItsWireFormsThenEachIsMasked() {
    SecretMask mask = SecretMask.of(List.of(SECRET));
    String encoded = URLEncoder.encode(SECRET, StandardCharsets.UTF_8);
    String text =
        String.join(
            " | ",
            SECRET,
            encoded,
            encoded.replace("+", "%20"),
            SECRET.toUpperCase(java.util.Locale.ROOT),
            b64(SECRET),
            Base64.getUrlEncoder().withoutPadding().encodeToString(SECRET.getBytes()));

    String masked = mask.apply(text);

    assertThat(masked).isEqualTo(String.join(" | ", java.util.Collections.nCopies(6, Secret.MASK)));
  }

  @Test
  void applyWhenABasicPairIsQuotedThenThePairAndItsBase64AreMasked() {
    SecretMask mask = SecretMask.none().andBasicPair("alice", Secret.of("hunter22"));

    assertThat(mask.apply("Basic " + b64("alice:hunter22") + " decoded alice:hunter22"))
        .isEqualTo("Basic " + Secret.MASK + " decoded " + Secret.MASK);
  }

  @Test
  void applyWhenValuesAreShorterThanTheMinimumThenOrdinaryTextIsLeftAlone() {
    SecretMask mask = SecretMask.of(List.of("abc", ""));

    assertThat(mask.isEmpty()).isTrue();
    assertThat(mask.apply("abc abc")).isEqualTo("abc abc");
  }

  @Test
  void applyWhenOneSecretContainsAnotherThenTheLongerIsMaskedWhole() {
    SecretMask mask = SecretMask.of(List.of("token", "token-with-suffix"));

    assertThat(mask.apply("x token-with-suffix y")).isEqualTo("x " + Secret.MASK + " y");
  }

  @Test
  void applyWhenTheTextHoldsNoSecretThenTheSameTextComesBackAndNonAsciiTextIsStillSearched() {
    SecretMask mask = SecretMask.of(List.of(SECRET));
    String plain = "{\"items\":[1,2,3],\"next\":null}";

    assertThat(mask.apply(plain)).isSameAs(plain);
    assertThat(mask.apply("Grüße " + SECRET.toUpperCase(java.util.Locale.ROOT) + " ✓"))
        .isEqualTo("Grüße " + Secret.MASK + " ✓");
  }

  @Test
  void toStringWhenPrintedThenNoValueShows() {
    assertThat(SecretMask.of(List.of(SECRET)).toString()).doesNotContain(SECRET);
  }
}
