package io.credflow.cli;

import io.credflow.Config;
import io.credflow.common.CredflowException;
import io.credflow.common.Secret;
import io.credflow.crypto.Keyring;
import io.credflow.crypto.KeysetFile;
import io.credflow.store.Database;
import io.credflow.store.KeysetGuard;
import io.credflow.store.Rekey;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code credflow keys}: rotation of the keyset that encrypts secrets at rest. */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Rotate the keyset and re-encrypt secrets at rest.",
    subcommands = {KeysCommand.Rotate.class, KeysCommand.Reencrypt.class})
final class KeysCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /** Adds a new key and makes it primary; old ciphertexts keep decrypting. */
  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description =
          "Add a new key to the keyset and make it primary. Restart every Credflow process, then"
              + " run 'credflow keys reencrypt'.")
  static final class Rotate implements Callable<Integer> {
    @Mixin ConfigOptions options = new ConfigOptions();

    @Override
    public Integer call() {
      try {
        Config config = options.toConfig(System.getenv(), false);
        Keyring keyring = KeysetFile.rotate(config.keysetPath());
        System.out.println("rotated " + config.keysetPath() + ": " + keyring.fingerprint());
        return 0;
      } catch (Config.InvalidConfigException | CredflowException e) {
        System.err.println("credflow: " + e.getMessage());
        return 1;
      }
    }
  }

  /** Moves every ciphertext to the primary key. */
  @Command(
      name = "reencrypt",
      mixinStandardHelpOptions = true,
      description = "Re-encrypt every stored secret under the keyset's primary key.")
  static final class Reencrypt implements Callable<Integer> {
    @Mixin ConfigOptions options = new ConfigOptions();

    @Override
    public Integer call() {
      try {
        Config config = options.toConfig(System.getenv(), false);
        try (Database database =
            Database.open(
                config.dbUrl(),
                config.dbUser().orElse(null),
                config.dbPassword().map(Secret::reveal).orElse(null))) {
          Keyring keyring = KeysetGuard.open(database, config.keysetPath());
          Rekey.Result result = Rekey.run(database, keyring);
          System.out.printf(
              "re-encrypted %d secret(s); %d already used the primary key%n",
              result.reencrypted(), result.current());
          return 0;
        }
      } catch (Config.InvalidConfigException | CredflowException e) {
        System.err.println("credflow: " + e.getMessage());
        return 1;
      }
    }
  }
}
