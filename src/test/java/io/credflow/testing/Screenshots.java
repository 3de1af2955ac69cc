package io.credflow.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A test class's directory of screenshots and pages, {@code target/screenshots/<class>/}, whose
 * files are numbered in the order they were taken: {@code 01-login.png}, {@code
 * 02-FAILED-loginWhenWrongPasswordThenError.png}...
 *
 * <p>The numbering is per class for the whole test run (a browser per test still counts on), and
 * the directory is emptied when a class first saves into it, so that no file of an earlier run sits
 * among this run's.
 */
final class Screenshots {
  static final Path ROOT = Path.of("target", "screenshots");

  private static final Map<Path, AtomicInteger> COUNTERS = new ConcurrentHashMap<>();

  private final Path dir;

  private Screenshots(Path dir) {
    this.dir = dir;
  }

  static Screenshots of(String testClass) {
    return new Screenshots(ROOT.resolve(testClass));
  }

  /** The next number of this class's files. */
  int next() {
    return COUNTERS.computeIfAbsent(dir, Screenshots::emptied).incrementAndGet();
  }

  /** Writes {@code <NN>-<name>.<extension>} and returns its path. */
  Path write(int number, String name, String extension, byte[] content) {
    Path file = dir.resolve("%02d-%s.%s".formatted(number, fileName(name), extension));
    try {
      Files.createDirectories(dir);
      return Files.write(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code name} as part of a file name: what a shell or file system might trip on becomes -. */
  private static String fileName(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]+", "-");
  }

  private static AtomicInteger emptied(Path dir) {
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        files
            .sorted(Comparator.reverseOrder())
            .filter(f -> !f.equals(dir))
            .forEach(Screenshots::delete);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new AtomicInteger();
  }

  private static void delete(Path file) {
    try {
      Files.delete(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
