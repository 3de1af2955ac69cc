package io.credflow.tenancy;

import java.util.Arrays;
import java.util.Optional;

/** The three levels of the ownership tree, top down. */
public enum Level {
  TENANT("tenant"),
  CONTRACT("contract"),
  WORKSPACE("workspace");

  private final String wireName;

  Level(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<Level> fromWireName(String name) {
    return Arrays.stream(values()).filter(l -> l.wireName.equals(name)).findFirst();
  }
}
