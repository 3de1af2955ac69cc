package io.credflow.store;

import io.credflow.tenancy.Location;
import java.util.Arrays;
import java.util.Optional;

/** Locations as stored: "tenant[/contract[/workspace]]". */
final class Paths {
  private Paths() {}

  static String of(Location location) {
    return String.join("/", location.path());
  }

  static Location parse(String path) {
    return new Location(Arrays.asList(path.split("/")));
  }

  static Optional<Location> parseOptional(String path) {
    return Optional.ofNullable(path).map(Paths::parse);
  }
}
