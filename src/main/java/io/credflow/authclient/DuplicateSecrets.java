package io.credflow.authclient;

import io.credflow.common.Secret;
import io.credflow.component.Component;
import io.credflow.component.ComponentService;
import io.credflow.tenancy.Caller;
import io.credflow.tenancy.Location;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * Finds OAuth auth-clients that already hold a new one's client id and secret where the same
 * workspaces can see them. Two clients with one secret let the provider revoke one's tokens when
 * the other refreshes, so a create warns (and still succeeds: the two may be meant).
 *
 * <p>Only auth-clients the caller may manage (and so may set the secret of) are compared: a warning
 * about one whose secret the caller sees only as {@code ********} would confirm a guess of it.
 */
final class DuplicateSecrets {
  static final String CODE = "duplicate_client_secret";

  private final AuthClientRepository repository;
  private final ComponentService components;
  private final BiPredicate<Caller, AuthClient> mayManage;

  DuplicateSecrets(
      AuthClientRepository repository,
      ComponentService components,
      BiPredicate<Caller, AuthClient> mayManage) {
    this.repository = repository;
    this.components = components;
    this.mayManage = mayManage;
  }

  /**
   * A warning for every other auth-client with {@code created}'s client id and secret that {@code
   * caller} may manage.
   */
  List<AuthClientService.Warning> of(Caller caller, AuthClient created) {
    Optional<Map.Entry<String, Secret>> pair = clientIdAndSecret(created.settings());
    if (pair.isEmpty()) {
      return List.of();
    }
    List<AuthClientService.Warning> warnings = new ArrayList<>();
    for (AuthClient other :
        repository.findOAuthByClientId(created.tenantId(), pair.get().getKey())) {
      Optional<Map.Entry<String, Secret>> theirs = clientIdAndSecret(other.settings());
      if (mayManage.test(caller, other)
          && theirs.isPresent()
          && theirs.get().getValue().sameAs(pair.get().getValue())
          && shareAWorkspace(created, other)) {
        warnings.add(
            new AuthClientService.Warning(
                CODE,
                "auth-client "
                    + other.id()
                    + " ("
                    + other.name()
                    + ") already has this client_id and client_secret where the same workspaces"
                    + " can see it; reuse it rather than duplicating the secret, which can make"
                    + " the provider revoke tokens of one when the other refreshes",
                other.id()));
      }
    }
    return warnings;
  }

  private static Optional<Map.Entry<String, Secret>> clientIdAndSecret(AuthClientSettings s) {
    return switch (s) {
      case OAuth2Settings o -> Optional.of(Map.entry(o.clientId(), o.clientSecret()));
      case InstagramSettings i -> Optional.of(Map.entry(i.clientId(), i.clientSecret()));
      case NoAuthSettings n -> Optional.empty();
      case BasicSettings b -> Optional.empty();
      case ApiKeySettings k -> Optional.empty();
    };
  }

  /** Whether some location is reachable by both: one's scope lies within the other's. */
  private boolean shareAWorkspace(AuthClient a, AuthClient b) {
    for (Location x : scopes(a)) {
      for (Location y : scopes(b)) {
        if (x.isWithin(y) || y.isWithin(x)) {
          return true;
        }
      }
    }
    return false;
  }

  private List<Location> scopes(AuthClient a) {
    if (a.owner().isPresent()) {
      return List.of(a.owner().get());
    }
    return a.componentIds().stream()
        .map(components::findUnchecked)
        .flatMap(Optional::stream)
        .map(Component::deployedAt)
        .toList();
  }
}
