package io.credflow.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code credflow}: the entry point of the jar. */
@Command(
    name = "credflow",
    mixinStandardHelpOptions = true,
    version = "Credflow 0.1.0",
    description = "The authorization core for integration platforms.",
    subcommands = {ServeCommand.class, KeysCommand.class, RequestCommand.class})
public final class Main implements Runnable {
  public static void main(String[] args) {
    int code = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
