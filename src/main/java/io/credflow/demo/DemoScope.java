package io.credflow.demo;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The scopes the demo provider knows, and what the consent page tells the user about each. */
enum DemoScope {
  PROFILE("profile", "see your account name"),
  EMAIL("email", "see your email address"),
  OFFLINE_ACCESS("offline_access", "keep access while you are away"),
  READ("read", "read your demo data"),
  WRITE("write", "change your demo data");

  /** What an authorization request without a {@code scope} is granted (RFC 6749 §3.3). */
  static final List<String> DEFAULT = List.of(PROFILE.value);

  final String value;
  final String description;

  DemoScope(String value, String description) {
    this.value = value;
    this.description = description;
  }

  static Optional<DemoScope> of(String value) {
    return Arrays.stream(values()).filter(s -> s.value.equals(value)).findFirst();
  }

  static List<String> names() {
    return Arrays.stream(values()).map(s -> s.value).toList();
  }
}
