package io.credflow.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.util.Map;

/**
 * The console's templates, compiled into the jar by the build ({@code src/main/jte}); a template
 * receives the records its page built and decides nothing beyond presentation.
 */
final class Templates {
  private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

  /** The HTML of template {@code name} (e.g. {@code credentials/show.jte}) with {@code params}. */
  String render(String name, Map<String, Object> params) {
    StringOutput out = new StringOutput(8192);
    engine.render(name, params, out);
    return out.toString();
  }
}
