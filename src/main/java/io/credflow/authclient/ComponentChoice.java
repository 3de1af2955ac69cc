package io.credflow.authclient;

import io.credflow.common.NotFoundException;
import io.credflow.common.ValidationException;
import io.credflow.tenancy.Workspace;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * The one rule for which component a credential of an auth-client is for, in a workspace: a
 * credential saved directly and one made by the Authenticate round trip follow it alike. An
 * auth-client may link components the workspace cannot use (deployed in other workspaces); those
 * are neither chosen nor admitted to exist.
 */
final class ComponentChoice {
  /** The field of the command that names the component. */
  static final String FIELD = "component";

  private ComponentChoice() {}

  /**
   * {@code requested} when the auth-client links it and the workspace may use it, else the only
   * component of the auth-client the workspace may use.
   */
  static String choose(
      AuthClient authClient,
      Optional<String> requested,
      Workspace ws,
      BiPredicate<String, Workspace> usable) {
    if (requested.isPresent()) {
      String id = requested.get();
      if (!authClient.componentIds().contains(id)) {
        throw new ValidationException(
            FIELD,
            "component_not_linked",
            "component "
                + id
                + " is not linked to auth-client "
                + authClient.id()
                + ": name one of the components the auth-client serves");
      }
      if (!usable.test(id, ws)) {
        // Linked, but deployed where this workspace cannot see: answered as if it did not exist.
        throw new NotFoundException("component", id, FIELD);
      }
      return id;
    }
    List<String> candidates =
        authClient.componentIds().stream().filter(c -> usable.test(c, ws)).toList();
    if (candidates.size() == 1) {
      return candidates.get(0);
    }
    if (candidates.isEmpty()) {
      throw new ValidationException(
          FIELD,
          "component_not_usable",
          "auth-client "
              + authClient.id()
              + " serves no component that workspace "
              + ws.id()
              + " can use");
    }
    throw new ValidationException(
        FIELD,
        "missing_component",
        "auth-client "
            + authClient.id()
            + " serves several components: name the one this credential is for in"
            + " relationships.component");
  }
}
