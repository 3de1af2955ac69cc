package io.credflow.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KeyringTest {
  private static final String CONTEXT = "credentials/4f2a9c0e1b7d3a5f6e8c0b1a/secrets";
  private static final String SECRET = "client-secret-Zq8yX1vR";

  private final Keyring keyring = Keyring.generate();

  @Test
  void sealThenOpenWhenSameContextThenReturnsPlaintext() {
    byte[] sealed = keyring.seal(SECRET, CONTEXT);

    assertThat(keyring.open(sealed, CONTEXT)).isEqualTo(SECRET);
  }

  @Test
  void sealWhenNonAsciiOrEmptyTextThenRoundTrips() {
    for (String text : List.of("", "pässwörd-秘密-🔑")) {
      assertThat(keyring.open(keyring.seal(text, CONTEXT), CONTEXT)).isEqualTo(text);
    }
  }

  @Test
  void encryptThenDecryptWhenSameAssociatedDataThenReturnsPlaintext() {
    byte[] plaintext = {0, 1, 2, (byte) 0xff, 42};
    byte[] ad = "api_keys/abc/hash".getBytes(StandardCharsets.UTF_8);

    byte[] ciphertext = keyring.encrypt(plaintext, ad);

    assertThat(keyring.decrypt(ciphertext, ad)).isEqualTo(plaintext);
  }

  @Test
  void sealWhenCalledTwiceThenCiphertextsDifferAndDoNotContainPlaintext() {
    byte[] first = keyring.seal(SECRET, CONTEXT);
    byte[] second = keyring.seal(SECRET, CONTEXT);

    assertThat(first).isNotEqualTo(second);
    assertThat(new String(first, StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);
  }

  @Test
  void openWhenCiphertextCopiedToAnotherRowThenThrowsCryptoException() {
    byte[] sealed = keyring.seal(SECRET, "credentials/aaaaaaaaaaaaaaaaaaaaaaaa/secrets");

    CryptoException e =
        catchThrowableOfType(
            CryptoException.class,
            () -> keyring.open(sealed, "credentials/bbbbbbbbbbbbbbbbbbbbbbbb/secrets"));

    assertThat(e.code()).isEqualTo("decryption_failed");
    assertThat(e.getMessage())
        .contains("credentials/bbbbbbbbbbbbbbbbbbbbbbbb/secrets")
        .doesNotContain(SECRET);
  }

  @Test
  void openWhenCiphertextCopiedToAnotherFieldThenThrowsCryptoException() {
    byte[] sealed = keyring.seal(SECRET, "users/aaaaaaaaaaaaaaaaaaaaaaaa/password");

    assertThatThrownBy(() -> keyring.open(sealed, "users/aaaaaaaaaaaaaaaaaaaaaaaa/totp_seed"))
        .isInstanceOf(CryptoException.class)
        .hasFieldOrPropertyWithValue("code", "decryption_failed");
  }

  @Test
  void decryptWhenAssociatedDataDiffersThenThrowsCryptoException() {
    byte[] ciphertext = keyring.encrypt(new byte[] {1, 2, 3}, new byte[] {9});

    assertThatThrownBy(() -> keyring.decrypt(ciphertext, new byte[] {8}))
        .isInstanceOf(CryptoException.class)
        .hasFieldOrPropertyWithValue("code", "decryption_failed");
    assertThatThrownBy(() -> keyring.decrypt(ciphertext, new byte[0]))
        .isInstanceOf(CryptoException.class);
  }

  @Test
  void openWhenAnySingleBitOfCiphertextFlippedThenRefusedEveryTime() {
    byte[] sealed = keyring.seal(SECRET, CONTEXT);
    int bits = sealed.length * 8;

    int refused = 0;
    for (int bit = 0; bit < bits; bit++) {
      byte[] tampered = sealed.clone();
      tampered[bit / 8] ^= (byte) (1 << (bit % 8));
      try {
        String garbage = keyring.open(tampered, CONTEXT);
        throw new AssertionError(
            "bit " + bit + " flipped, yet decrypted to " + garbage.length() + " chars");
      } catch (CryptoException e) {
        assertThat(e.code()).isEqualTo("decryption_failed");
        refused++;
      }
    }

    assertThat(refused).isEqualTo(bits).isGreaterThan(8 * (5 + 12 + 16));
    assertThat(keyring.open(sealed, CONTEXT)).isEqualTo(SECRET);
  }

  @Test
  void openWhenCiphertextTruncatedThenThrowsCryptoException() {
    byte[] sealed = keyring.seal(SECRET, CONTEXT);

    for (int length : new int[] {sealed.length - 1, sealed.length - 16, 5, 4, 1}) {
      byte[] truncated = Arrays.copyOf(sealed, length);
      assertThatThrownBy(() -> keyring.open(truncated, CONTEXT))
          .as("truncated to %d bytes", length)
          .isInstanceOf(CryptoException.class)
          .hasFieldOrPropertyWithValue("code", "decryption_failed");
    }
  }

  @Test
  void decryptWhenEmptyCiphertextThenThrowsCryptoException() {
    assertThatThrownBy(() -> keyring.decrypt(new byte[0], new byte[0]))
        .isInstanceOf(CryptoException.class)
        .hasFieldOrPropertyWithValue("code", "decryption_failed");
    assertThatThrownBy(() -> keyring.open(new byte[0], CONTEXT))
        .isInstanceOf(CryptoException.class);
  }

  @Test
  void openWhenKeyringFromAnotherKeysetThenThrowsCryptoException() {
    byte[] sealed = keyring.seal(SECRET, CONTEXT);
    Keyring other = Keyring.generate();

    assertThatThrownBy(() -> other.open(sealed, CONTEXT))
        .isInstanceOf(CryptoException.class)
        .hasFieldOrPropertyWithValue("code", "decryption_failed");
  }

  @Test
  void isUnderPrimaryKeyWhenFreshCiphertextThenTrueAndPrefixIsVersionByteAndKeyId() {
    byte[] sealed = keyring.seal(SECRET, CONTEXT);

    assertThat(keyring.isUnderPrimaryKey(sealed)).isTrue();
    assertThat(sealed[0]).isEqualTo((byte) 0x01);
    int keyId =
        ((sealed[1] & 0xff) << 24)
            | ((sealed[2] & 0xff) << 16)
            | ((sealed[3] & 0xff) << 8)
            | (sealed[4] & 0xff);
    assertThat(keyId).isEqualTo(keyring.primaryKeyId());
  }

  @Test
  void isUnderPrimaryKeyWhenOtherKeysetOrTooShortThenFalse() {
    assertThat(keyring.isUnderPrimaryKey(Keyring.generate().seal(SECRET, CONTEXT))).isFalse();
    assertThat(keyring.isUnderPrimaryKey(new byte[0])).isFalse();
    assertThat(keyring.isUnderPrimaryKey(new byte[] {1, 2})).isFalse();
  }

  @Test
  void fingerprintWhenGeneratedThenNamesPrimaryKeyId() {
    assertThat(keyring.fingerprint())
        .contains(Integer.toUnsignedString(keyring.primaryKeyId()))
        .startsWith("primary ");
    assertThat(keyring.toString()).contains(keyring.fingerprint());
  }

  @Test
  void toStringWhenCalledThenRevealsNoPlaintextNorCiphertext() {
    byte[] sealed = keyring.seal(SECRET, CONTEXT);

    assertThat(keyring.toString())
        .doesNotContain(SECRET)
        .doesNotContain(Base64.getEncoder().encodeToString(sealed))
        .doesNotContain(HexFormat.of().formatHex(sealed));
  }

  @Test
  void cryptoExceptionWhenDecryptionFailsThenRevealsNoPlaintextNorCiphertext() {
    byte[] sealed = keyring.seal(SECRET, CONTEXT);
    sealed[sealed.length - 1] ^= 1;

    CryptoException e =
        catchThrowableOfType(CryptoException.class, () -> keyring.open(sealed, CONTEXT));

    String shown = e.toString() + " " + e.getCause();
    assertThat(shown)
        .doesNotContain(SECRET)
        .doesNotContain(Base64.getEncoder().encodeToString(sealed))
        .doesNotContainIgnoringCase(HexFormat.of().formatHex(sealed))
        .doesNotContain(Arrays.toString(sealed));
  }

  @Test
  void sealAndOpenWhenUsedConcurrentlyThenEveryValueRoundTrips() {
    List<String> opened =
        IntStream.range(0, 500)
            .parallel()
            .mapToObj(
                i -> {
                  String context = "credentials/" + i + "/secrets";
                  return keyring.open(keyring.seal("secret-" + i, context), context);
                })
            .toList();

    assertThat(opened)
        .containsExactlyElementsOf(IntStream.range(0, 500).mapToObj(i -> "secret-" + i).toList());
  }
}
