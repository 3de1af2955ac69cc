package io.credflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The launcher's training run for the JDK's ahead-of-time cache: {@code serve --exit-when-ready}
 * starts, answers /health once and stops with status 0, leaving a usable data directory.
 */
class ServeExitWhenReadyTest {
  @Test
  void serveWhenExitWhenReadyThenItStartsAnswersAndStopsWithZero(@TempDir Path data) {
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
    assertThat(data.resolve("keyset.json")).exists();
    assertThat(data.resolve("credflow.mv.db"))
        .satisfies(db -> assertThat(Files.size(db)).isPositive());
  }
}
