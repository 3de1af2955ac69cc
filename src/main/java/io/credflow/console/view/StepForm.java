package io.credflow.console.view;

import java.util.List;

/**
 * The fields of a REST API step in a form (the first step of a new flow, or one added to a flow):
 * the credentials to choose from by component, the methods and the error policies.
 */
public record StepForm(
    List<CredentialChoice> credentials, List<String> methods, List<Choice> errorPolicies) {
  public StepForm {
    credentials = List.copyOf(credentials);
    methods = List.copyOf(methods);
    errorPolicies = List.copyOf(errorPolicies);
  }

  public boolean hasCredentials() {
    return credentials.stream().anyMatch(c -> !c.credentials().isEmpty());
  }
}
