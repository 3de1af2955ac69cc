package io.credflow.audit;

import java.util.Objects;
import java.util.Optional;

/**
 * Who did it: a user (signed in to the console, or acting through Credflow itself, e.g. a flow's
 * steps run as their user), a user's API key ({@code id} is the key's id, the user's id and email
 * alongside), Credflow itself (the refresh schedule), or nobody known (a failed sign-in).
 */
public record Actor(Type type, String id, Optional<String> userId, Optional<String> email) {
  /** The kinds of actor, with their names on the wire. */
  public enum Type {
    USER("user"),
    API_KEY("api_key"),
    SYSTEM("system"),
    ANONYMOUS("anonymous");

    private final String wireName;

    Type(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }

    public static Optional<Type> fromWireName(String name) {
      for (Type t : values()) {
        if (t.wireName.equals(name)) {
          return Optional.of(t);
        }
      }
      return Optional.empty();
    }
  }

  public Actor {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(email, "email");
  }

  public static Actor user(String userId, String email) {
    return new Actor(Type.USER, userId, Optional.of(userId), Optional.of(email));
  }

  public static Actor apiKey(String keyId, String userId, String email) {
    return new Actor(Type.API_KEY, keyId, Optional.of(userId), Optional.of(email));
  }

  /** Credflow itself, as {@code name} (e.g. {@code refresh-schedule}). */
  public static Actor system(String name) {
    return new Actor(Type.SYSTEM, name, Optional.empty(), Optional.empty());
  }

  /** Someone not (yet) known: the email they gave, if any, as typed. */
  public static Actor anonymous(Optional<String> email) {
    return new Actor(Type.ANONYMOUS, "", Optional.empty(), email);
  }
}
