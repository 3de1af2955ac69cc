package io.credflow.console;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The console's stylesheet and scripts, and htmx from its WebJar: served by Credflow itself (no
 * CDN), read once, cached by browsers for a day.
 */
final class Assets {
  /** htmx's version, as its WebJar on the class path names its folder. */
  static final String HTMX = "META-INF/resources/webjars/htmx.org/2.0.10/dist/htmx.min.js";

  private final Map<String, Asset> assets =
      Map.of(
          "console.css", load("console/console.css", "text/css; charset=utf-8"),
          "console.js", load("console/console.js", "text/javascript; charset=utf-8"),
          "htmx.min.js", load(HTMX, "text/javascript; charset=utf-8"));

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
