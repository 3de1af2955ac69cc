package io.credflow.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.regex.Pattern;
import org.openqa.selenium.logging.LogEntry;

/**
 * What the browser's console said during one test, as ChromeDriver reports it (the {@code browser}
 * log): uncaught exceptions, {@code console.error(...)}, Content-Security-Policy violations and
 * failed loads are {@code SEVERE}.
 */
final class ConsoleLog {
  // The browser asks every new origin for /favicon.ico on its own; a 404 there is no fault of the
  // page (which never asked for it) and would otherwise be the first "error" of every story.
  private static final Pattern FAVICON_NOT_FOUND =
      Pattern.compile("^\\S+/favicon\\.ico - Failed to load resource: .*\\b404\\b.*");

  private final List<LogEntry> entries = new ArrayList<>();

  void add(Iterable<LogEntry> more) {
    more.forEach(entries::add);
  }

  void clear() {
    entries.clear();
  }

  /** The messages of the errors, oldest first. */
  List<String> errors() {
    return entries.stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .filter(m -> !FAVICON_NOT_FOUND.matcher(m).matches())
        .toList();
  }
}
