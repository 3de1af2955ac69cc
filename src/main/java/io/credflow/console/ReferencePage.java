package io.credflow.console;

import io.javalin.config.RoutesConfig;
import java.util.Map;

/**
 * The API reference: Swagger UI, served by Credflow from its WebJar (no CDN), rendering the OpenAPI
 * description at {@value #DESCRIPTION}. Open to anyone, as the description is; the page keeps the
 * console's content policy (Credflow's own scripts and styles only, none inline).
 */
final class ReferencePage {
  static final String PATH = "/api-reference";

  /** Where the API serves its description (the API's {@code OpenApiDescription.PATH}). */
  static final String DESCRIPTION = "/v2/openapi.json";

  private final Web web;

  ReferencePage(Web web) {
    this.web = web;
  }

  void register(RoutesConfig routes) {
    routes.get(
        PATH, web.open(ctx -> web.render(ctx, "api-reference.jte", Map.of("url", DESCRIPTION))));
  }
}
