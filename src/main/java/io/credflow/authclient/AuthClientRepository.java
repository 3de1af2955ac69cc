package io.credflow.authclient;

import io.credflow.tenancy.Location;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Storage of auth-clients and their component links; secrets are encrypted by the store. */
public interface AuthClientRepository {
  void insert(AuthClient authClient);

  Optional<AuthClient> find(String id);

  /**
   * Where auth-client {@code id} is seen and used from, read in one query without its settings or
   * secrets: what an access check needs, at the same cost whether the auth-client exists or not.
   */
  Optional<Reach> findReach(String id);

  /** Auth-clients in creation order after {@code after}; only of {@code tenantIds} if present. */
  List<AuthClient> list(Optional<Set<String>> tenantIds, long after, int limit);

  /** Every oauth2/oauth2_instagram auth-client of a tenant with this client id. */
  List<AuthClient> findOAuthByClientId(String tenantId, String clientId);

  void update(AuthClient authClient);

  void delete(String id);

  /** How many credentials use the auth-client. */
  int countCredentials(String authClientId);

  /** How many credentials use the auth-client with this component. */
  int countCredentials(String authClientId, String componentId);

  /**
   * An auth-client's owner (none at component level) and the deployments of the components it links
   * (those that still exist).
   */
  record Reach(Optional<Location> owner, List<Location> deployments) {
    public Reach {
      deployments = List.copyOf(deployments);
    }
  }
}
