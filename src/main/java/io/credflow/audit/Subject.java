package io.credflow.audit;

import java.util.Objects;

/** What was acted on: a resource type as the API names it ({@code credential}) and its id. */
public record Subject(String type, String id) {
  public static final String CREDENTIAL = "credential";
  public static final String AUTH_CLIENT = "auth-client";
  public static final String USER = "user";
  public static final String API_KEY = "api-key";

  public Subject {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(id, "id");
  }

  public static Subject of(String type, String id) {
    return new Subject(type, id);
  }
}
