package io.credflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code serve} prints the link that sets the bootstrap admin's password once per start while the
 * admin has none, next to the admin's API key, under the URL the process answers at.
 */
class ServeAdminSetupLinkTest {
  private static final Pattern LINK =
      Pattern.compile(
          "  Set the admin's password \\(valid 24 h, once\\): (http://localhost:\\d+)/setup/"
              + "([A-Za-z0-9_-]{43})\\R");

  @Test
  void serveWhenTheAdminHasNoPasswordThenTheSetupLinkIsPrintedOnceAndANewOneEachStart(
      @TempDir Path data) {
    String first = serve(data);
    String second = serve(data);

    Matcher firstLink = LINK.matcher(first);
    assertThat(firstLink.find()).as(first).isTrue();
    assertThat(firstLink.find()).as("printed once").isFalse();
    assertThat(first).contains("Its API key (shown once, store it now): cfk_");
    Matcher secondLink = LINK.matcher(second);
    assertThat(secondLink.find()).as(second).isTrue();
    assertThat(secondLink.group(2))
        .isNotEqualTo(LINK.matcher(first).results().findFirst().orElseThrow().group(2));
    assertThat(second).doesNotContain("API key (shown once");
  }

  /** One {@code serve --exit-when-ready} on {@code data}; returns what it printed. */
  private static String serve(Path data) {
    PrintStream out = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      int status =
          new CommandLine(new ServeCommand())
              .execute(
                  "--port",
                  "0",
                  "--host",
                  "127.0.0.1",
                  "--data",
                  data.toString(),
                  "--exit-when-ready");
      assertThat(status).isZero();
    } finally {
      System.setOut(out);
    }
    return printed.toString(StandardCharsets.UTF_8);
  }
}
