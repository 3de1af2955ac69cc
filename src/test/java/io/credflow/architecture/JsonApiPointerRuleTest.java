package io.credflow.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * JSON:API stays in {@code api/} (architecture.md): the domain names logical fields ({@code
 * credentials/client_id}) and the api maps them to pointers in one place. A string literal that
 * spells a request-document pointer anywhere else is that rule broken. Compiled classes do not keep
 * their literals where ArchUnit can see them, so this reads the sources.
 */
class JsonApiPointerRuleTest {
  private static final Path SOURCES = Path.of("src/main/java");

  /** Packages that may spell pointers: the api writes them, the CLI reads answers with them. */
  private static final List<String> ALLOWED = List.of("io/credflow/api/", "io/credflow/cli/");

  /** {@code "/data/…"}, {@code "/data"}, or an {@code attributes/}/{@code relationships/} path. */
  private static final Pattern POINTER =
      Pattern.compile("\"/data(/|\")|\"/?(attributes|relationships)/");

  @Test
  void sourcesWhenScannedThenOnlyTheApiAndTheCliSpellJsonApiPointers() {
    assertThat(SOURCES).as("run from the project directory").isDirectory();
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      files
          .filter(f -> f.toString().endsWith(".java"))
          .filter(f -> ALLOWED.stream().noneMatch(SOURCES.relativize(f).toString()::startsWith))
          .forEach(f -> found.addAll(pointerLines(f)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(found)
        .as("JSON:API pointers outside io.credflow.api: name a logical field instead (see Field)")
        .isEmpty();
  }

  @Test
  void ruleWhenGivenAPointerLiteralThenItMatches() {
    assertThat(POINTER.matcher("x = \"/data/attributes/name\";").find()).isTrue();
    assertThat(POINTER.matcher("COMPONENTS + \"/data\"").find()).isTrue();
    assertThat(POINTER.matcher("\"relationships/component\"").find()).isTrue();
    assertThat(POINTER.matcher("\"credentials/state\"").find()).isFalse();
  }

  private static List<String> pointerLines(Path file) {
    List<String> out = new ArrayList<>();
    try {
      List<String> lines = Files.readAllLines(file);
      for (int i = 0; i < lines.size(); i++) {
        if (POINTER.matcher(lines.get(i)).find()) {
          out.add(SOURCES.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).trim());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
