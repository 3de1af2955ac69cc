package io.credflow.console.view;

import java.util.Optional;

/** An API key as the keys page lists it: never its value. */
public record KeyRow(String id, String name, String created, Optional<String> revoked) {}
