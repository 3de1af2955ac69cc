package io.credflow.tenancy;

import java.util.Arrays;
import java.util.Optional;

/** A member's role at one level; a role at a level applies to everything below it. */
public enum Role {
  MEMBER("member"),
  ADMIN("admin");

  private final String wireName;

  Role(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<Role> fromWireName(String name) {
    return Arrays.stream(values()).filter(r -> r.wireName.equals(name)).findFirst();
  }

  public boolean atLeast(Role other) {
    return compareTo(other) >= 0;
  }
}
