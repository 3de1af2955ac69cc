package io.credflow.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.mac.MacConfig;
import com.google.crypto.tink.mac.PredefinedMacParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class KeysetFileTest {
  private static final String CONTEXT = "credentials/4f2a9c0e1b7d3a5f6e8c0b1a/secrets";
  private static final String SECRET = "api-key-7hQ2mN9pLx";
  private static final Set<PosixFilePermission> MODE_0600 =
      PosixFilePermissions.fromString("rw-------");
  private static final Pattern KEY_VALUE = Pattern.compile("\"value\"\\s*:\\s*\"([^\"]+)\"");

  @TempDir Path dir;

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(KeysetFile.class);

  @BeforeEach
  void captureLogs() {
    logs.start();
    logger.addAppender(logs);
    logger.setLevel(Level.DEBUG);
  }

  @AfterEach
  void releaseLogs() {
    logger.detachAppender(logs);
    logger.setLevel(null);
  }

  @Test
  void createWhenNoFileThenWritesOwnerOnlyFileThatLoadDecryptsWith() throws IOException {
    Path path = dir.resolve("data/keyset.json");

    Keyring created = KeysetFile.create(path);
    byte[] sealed = created.seal(SECRET, CONTEXT);
    Keyring loaded = KeysetFile.load(path);

    assertThat(KeysetFile.exists(path)).isTrue();
    assertThat(Files.getPosixFilePermissions(path)).isEqualTo(MODE_0600);
    assertThat(loaded.open(sealed, CONTEXT)).isEqualTo(SECRET);
    assertThat(loaded.primaryKeyId()).isEqualTo(created.primaryKeyId());
    assertThat(loaded.isUnderPrimaryKey(sealed)).isTrue();
  }

  @Test
  void createWhenDoneThenLeavesNoTemporaryFileBehind() throws IOException {
    Path path = dir.resolve("keyset.json");

    KeysetFile.create(path);

    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(path);
    }
  }

  @Test
  void createWhenDoneThenLogsWarningWithPathAndNoKeyMaterial() throws IOException {
    Path path = dir.resolve("keyset.json");

    KeysetFile.create(path);

    String keyValue = keyValues(path).get(0);
    List<ILoggingEvent> warnings =
        logs.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0).getFormattedMessage())
        .contains(path.toAbsolutePath().toString())
        .contains("Back it up")
        .doesNotContain(keyValue);
    assertThat(logs.list)
        .allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(keyValue));
  }

  @Test
  void createWhenFileExistsThenRefusesAndLeavesItUnchanged() throws IOException {
    Path path = dir.resolve("keyset.json");
    KeysetFile.create(path);
    String before = Files.readString(path);

    KeysetException e = catchThrowableOfType(KeysetException.class, () -> KeysetFile.create(path));

    assertThat(e.code()).isEqualTo("keyset_exists");
    assertThat(e.getMessage()).contains(path.toString());
    assertThat(Files.readString(path)).isEqualTo(before);
  }

  @Test
  void createWhenParentIsAFileThenThrowsKeysetUnwritable() throws IOException {
    Path blocker = Files.writeString(dir.resolve("not-a-dir"), "x");
    Path path = blocker.resolve("keyset.json");

    KeysetException e = catchThrowableOfType(KeysetException.class, () -> KeysetFile.create(path));

    assertThat(e.code()).isEqualTo("keyset_unwritable");
    assertThat(e.getMessage()).contains(path.toString());
  }

  @Test
  void loadWhenFileMissingThenThrowsKeysetMissingNamingPath() {
    Path path = dir.resolve("nowhere/keyset.json");

    KeysetException e = catchThrowableOfType(KeysetException.class, () -> KeysetFile.load(path));

    assertThat(e.code()).isEqualTo("keyset_missing");
    assertThat(e.getMessage()).contains(path.toString()).contains("CREDFLOW_KEYSET");
    assertThat(KeysetFile.exists(path)).isFalse();
  }

  @Test
  void loadWhenGarbageTextThenThrowsKeysetInvalidNamingPath() throws IOException {
    Path path = Files.writeString(dir.resolve("keyset.json"), "this is not a keyset at all\n");

    KeysetException e = catchThrowableOfType(KeysetException.class, () -> KeysetFile.load(path));

    assertThat(e.code()).isEqualTo("keyset_invalid");
    assertThat(e.getMessage())
        .contains(path.toString())
        .contains("not a valid Tink keyset")
        .contains("CREDFLOW_KEYSET");
  }

  @Test
  void loadWhenBinaryContentThenThrowsKeysetInvalid() throws IOException {
    Path path = Files.write(dir.resolve("keyset.json"), new byte[] {(byte) 0xff, (byte) 0xfe, 0});

    assertThatThrownBy(() -> KeysetFile.load(path))
        .isInstanceOf(KeysetException.class)
        .hasFieldOrPropertyWithValue("code", "keyset_invalid")
        .hasMessageContaining(path.toString());
  }

  @Test
  void loadWhenValidJsonThatIsNotKeysetThenThrowsKeysetInvalidNamingPath() throws IOException {
    for (String json : List.of("{}", "{\"hello\": \"world\"}", "[1, 2, 3]", "\"keyset\"")) {
      Path path = Files.writeString(dir.resolve("keyset.json"), json);

      assertThatThrownBy(() -> KeysetFile.load(path))
          .as(json)
          .isInstanceOf(KeysetException.class)
          .hasFieldOrPropertyWithValue("code", "keyset_invalid")
          .hasMessageContaining(path.toString());
    }
  }

  @Test
  void loadWhenKeysetOfAnotherPrimitiveThenThrowsKeysetInvalid() throws Exception {
    MacConfig.register();
    KeysetHandle mac = KeysetHandle.generateNew(PredefinedMacParameters.HMAC_SHA256_256BITTAG);
    Path path =
        Files.writeString(
            dir.resolve("keyset.json"),
            TinkJsonProtoKeysetFormat.serializeKeyset(mac, InsecureSecretKeyAccess.get()));
    String keyValue = keyValues(path).get(0);

    KeysetException e = catchThrowableOfType(KeysetException.class, () -> KeysetFile.load(path));

    assertThat(e.code()).isEqualTo("keyset_invalid");
    assertThat(e.getMessage()).contains(path.toString()).doesNotContain(keyValue);
  }

  @Test
  void loadWhenKeyValueCorruptedThenThrowsKeysetInvalidWithoutQuotingIt() throws IOException {
    Path path = dir.resolve("keyset.json");
    KeysetFile.create(path);
    String corrupted = "c2VjcmV0LWtleS1tYXRlcmlhbA==";
    String json = Files.readString(path);
    Files.writeString(path, json.replace(keyValues(path).get(0), corrupted));

    KeysetException e = catchThrowableOfType(KeysetException.class, () -> KeysetFile.load(path));

    assertThat(e.code()).isEqualTo("keyset_invalid");
    assertThat(e.toString()).contains(path.toString()).doesNotContain(corrupted);
    assertThat(String.valueOf(e.getCause())).doesNotContain(corrupted);
  }

  @Test
  void loadWhenFileOfAnotherKeysetThenCannotDecrypt() {
    Keyring first = KeysetFile.create(dir.resolve("first.json"));
    KeysetFile.create(dir.resolve("second.json"));
    byte[] sealed = first.seal(SECRET, CONTEXT);

    Keyring wrong = KeysetFile.load(dir.resolve("second.json"));

    assertThatThrownBy(() -> wrong.open(sealed, CONTEXT))
        .isInstanceOf(CryptoException.class)
        .hasFieldOrPropertyWithValue("code", "decryption_failed");
  }

  @Test
  void loadWhenFileReadableByOthersThenWarnsButLoads() throws IOException {
    Path path = dir.resolve("keyset.json");
    KeysetFile.create(path);
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
    logs.list.clear();

    KeysetFile.load(path);

    assertThat(logs.list)
        .anySatisfy(
            e -> {
              assertThat(e.getLevel()).isEqualTo(Level.WARN);
              assertThat(e.getFormattedMessage()).contains("chmod 600");
            });
  }

  @Test
  void rotateWhenCiphertextWrittenBeforeThenStillDecryptsAndIsNotUnderPrimary() throws IOException {
    Path path = dir.resolve("keyset.json");
    Keyring before = KeysetFile.create(path);
    byte[] old = before.seal(SECRET, CONTEXT);

    Keyring after = KeysetFile.rotate(path);
    byte[] fresh = after.seal(SECRET, CONTEXT);

    assertThat(after.primaryKeyId()).isNotEqualTo(before.primaryKeyId());
    assertThat(after.open(old, CONTEXT)).isEqualTo(SECRET);
    assertThat(after.isUnderPrimaryKey(old)).isFalse();
    assertThat(after.isUnderPrimaryKey(fresh)).isTrue();
    assertThat(before.isUnderPrimaryKey(old)).isTrue();
    assertThat(after.fingerprint())
        .contains(Integer.toUnsignedString(before.primaryKeyId()))
        .contains(Integer.toUnsignedString(after.primaryKeyId()));
  }

  @Test
  void rotateWhenDoneThenFileKeepsModeAndLoadsWithNewPrimaryAndAllKeys() throws IOException {
    Path path = dir.resolve("keyset.json");
    Keyring before = KeysetFile.create(path);
    byte[] old = before.seal(SECRET, CONTEXT);

    Keyring after = KeysetFile.rotate(path);
    Keyring reloaded = KeysetFile.load(path);

    assertThat(Files.getPosixFilePermissions(path)).isEqualTo(MODE_0600);
    assertThat(reloaded.primaryKeyId()).isEqualTo(after.primaryKeyId());
    assertThat(reloaded.open(old, CONTEXT)).isEqualTo(SECRET);
    assertThat(reloaded.open(after.seal(SECRET, CONTEXT), CONTEXT)).isEqualTo(SECRET);
    assertThat(keyValues(path)).hasSize(2);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(path);
    }
  }

  @Test
  void rotateWhenTwiceThenCiphertextsOfEveryGenerationDecrypt() {
    Path path = dir.resolve("keyset.json");
    byte[] first = KeysetFile.create(path).seal("one", CONTEXT);
    byte[] second = KeysetFile.rotate(path).seal("two", CONTEXT);

    Keyring third = KeysetFile.rotate(path);

    assertThat(third.open(first, CONTEXT)).isEqualTo("one");
    assertThat(third.open(second, CONTEXT)).isEqualTo("two");
    assertThat(third.isUnderPrimaryKey(first)).isFalse();
    assertThat(third.isUnderPrimaryKey(second)).isFalse();
  }

  @Test
  void rotateWhenFileMissingThenThrowsKeysetMissing() {
    Path path = dir.resolve("keyset.json");

    assertThatThrownBy(() -> KeysetFile.rotate(path))
        .isInstanceOf(KeysetException.class)
        .hasFieldOrPropertyWithValue("code", "keyset_missing");
    assertThat(KeysetFile.exists(path)).isFalse();
  }

  @Test
  void toStringWhenKeyringLoadedFromFileThenContainsNoKeyMaterial() throws IOException {
    Path path = dir.resolve("keyset.json");
    KeysetFile.create(path);
    KeysetFile.rotate(path);
    List<String> keyValues = keyValues(path);

    Keyring keyring = KeysetFile.load(path);

    assertThat(keyValues).hasSize(2);
    for (String value : keyValues) {
      assertThat(keyring.toString()).doesNotContain(value);
      assertThat(keyring.fingerprint()).doesNotContain(value);
    }
  }

  @Test
  void toStringWhenExceptionsThrownThenContainNoKeyMaterialNorPlaintext() throws IOException {
    Path path = dir.resolve("keyset.json");
    Keyring keyring = KeysetFile.create(path);
    String keyValue = keyValues(path).get(0);
    byte[] sealed = keyring.seal(SECRET, CONTEXT);
    sealed[7] ^= 0x10;

    List<Throwable> thrown = new ArrayList<>();
    thrown.add(catchThrowableOfType(CryptoException.class, () -> keyring.open(sealed, CONTEXT)));
    thrown.add(catchThrowableOfType(KeysetException.class, () -> KeysetFile.create(path)));
    Files.writeString(path, Files.readString(path).replace("keyData", "keyDatum"));
    thrown.add(catchThrowableOfType(KeysetException.class, () -> KeysetFile.load(path)));

    assertThat(thrown)
        .doesNotContainNull()
        .allSatisfy(
            t -> {
              for (Throwable c = t; c != null; c = c.getCause()) {
                assertThat(c.toString()).doesNotContain(keyValue).doesNotContain(SECRET);
              }
            });
  }

  @Test
  void locationWhenEnvironmentVariableSetThenUsesItElseDefault() {
    assertThat(KeysetFile.location(Map.of())).isEqualTo(Path.of("./data/keyset.json"));
    assertThat(KeysetFile.location(Map.of("CREDFLOW_KEYSET", "  ")))
        .isEqualTo(Path.of("./data/keyset.json"));
    assertThat(KeysetFile.location(Map.of("CREDFLOW_KEYSET", "/etc/credflow/keyset.json")))
        .isEqualTo(Path.of("/etc/credflow/keyset.json"));
  }

  /** The base64 key values in a Tink JSON keyset file: the key material. */
  private static List<String> keyValues(Path path) throws IOException {
    Matcher m = KEY_VALUE.matcher(Files.readString(path, StandardCharsets.UTF_8));
    List<String> values = new ArrayList<>();
    while (m.find()) {
      values.add(m.group(1));
    }
    assertThat(values).isNotEmpty();
    return values;
  }
}
