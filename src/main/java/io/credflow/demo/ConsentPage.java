package io.credflow.demo;

import java.util.List;

/**
 * What the demo provider's sign-in and consent page shows ({@code src/main/jte/demo/consent.jte}).
 * Public only because the precompiled template lives in a package of its own.
 *
 * @param clientId the client asking for access
 * @param request the server-side reference of the waiting authorization request, which the form
 *     posts back instead of the request's parameters
 * @param accountName the prefilled account name
 * @param scopes what the client asks for, each a checkbox the user may clear
 * @param redirectUri where the answer goes
 * @param action where the form posts
 * @param stylesheet the console's stylesheet
 */
public record ConsentPage(
    String clientId,
    String request,
    String accountName,
    List<Choice> scopes,
    String redirectUri,
    String action,
    String stylesheet) {
  public ConsentPage {
    scopes = List.copyOf(scopes);
  }

  /** One requested scope and what granting it means. */
  public record Choice(String name, String description) {}
}
