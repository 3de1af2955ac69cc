package io.credflow.console.view;

import java.util.List;
import java.util.Optional;

/**
 * The credential form: the component, the types it accepts (the chosen one's fields shown), the
 * credential being edited if any, what was typed and what is wrong with it, and for OAuth2 the
 * auth-clients to choose from and the redirect URI to register.
 */
public record CredentialForm(
    String componentId,
    String componentName,
    List<Choice> types,
    String type,
    Optional<CredentialRow> editing,
    Form form,
    List<ClientChoice> clients,
    String redirectUri,
    String scopes,
    boolean canAddClient) {
  public CredentialForm {
    types = List.copyOf(types);
    clients = List.copyOf(clients);
  }

  public boolean oauth() {
    return type.equals("oauth2") || type.equals("oauth2_instagram");
  }

  public String action() {
    return editing.map(CredentialRow::href).orElse("") + (editing.isPresent() ? "/edit" : "");
  }
}
