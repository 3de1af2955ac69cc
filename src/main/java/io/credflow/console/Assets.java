package io.credflow.console;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The console's stylesheet and scripts, and htmx and Swagger UI (the API reference) from their
 * WebJars: served by Credflow itself (no CDN), read once, cached by browsers for a day.
 */
final class Assets {
  private final Map<String, Asset> assets =
      Map.of(
          "console.css", load("console/console.css", "text/css; charset=utf-8"),
          "console.js", load("console/console.js", "text/javascript; charset=utf-8"),
          "htmx.min.js", load(htmx(), "text/javascript; charset=utf-8"),
          "api-reference.css", load("console/api-reference.css", "text/css; charset=utf-8"),
          "api-reference.js", load("console/api-reference.js", "text/javascript; charset=utf-8"),
          "swagger-ui.css", load(swaggerUi("swagger-ui.css"), "text/css; charset=utf-8"),
          "swagger-ui-bundle.js",
              load(swaggerUi("swagger-ui-bundle.js"), "text/javascript; charset=utf-8"));

  /**
   * htmx inside its WebJar, whose folder names the version the build put in versions.properties.
   */
  static String htmx() {
    return "META-INF/resources/webjars/htmx.org/"
        + versions().getProperty("htmx")
        + "/dist/htmx.min.js";
  }

  /** A file of Swagger UI's WebJar, whose folder names the version as for htmx. */
  static String swaggerUi(String file) {
    return "META-INF/resources/webjars/swagger-ui/"
        + versions().getProperty("swagger-ui")
        + "/"
        + file;
  }

  private static java.util.Properties versions() {
    java.util.Properties versions = new java.util.Properties();
    try (InputStream in =
        Assets.class.getClassLoader().getResourceAsStream("console/versions.properties")) {
      if (in == null) {
        throw new IllegalStateException("console/versions.properties is missing from the jar");
      }
      versions.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return versions;
  }

  private record Asset(byte[] bytes, String contentType) {}

  void register(RoutesConfig routes) {
    routes.get("/assets/{name}", this::serve);
  }

  private void serve(Context ctx) {
    Asset asset = assets.get(ctx.pathParam("name"));
    if (asset == null) {
      ctx.status(404).contentType("text/plain; charset=utf-8").result("no such asset");
      return;
    }
    ctx.header("Cache-Control", "public, max-age=86400");
    ctx.contentType(asset.contentType()).result(asset.bytes());
  }

  private static Asset load(String resource, String contentType) {
    try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the console's asset " + resource + " is missing");
      }
      return new Asset(in.readAllBytes(), contentType);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
