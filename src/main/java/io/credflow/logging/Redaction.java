package io.credflow.logging;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redacts secret-shaped text: token-bearing query and form parameters, JSON members, Authorization
 * header values and Credflow API keys. Used by the log layout and by anything that echoes text
 * received from elsewhere (provider error bodies, URLs).
 */
public final class Redaction {
  private static final String MASK = "********";

  private static final Pattern PARAMS =
      Pattern.compile(
          "(?i)\\b(access_token|refresh_token|client_secret|code|password|api_key|apikey|token"
              + "|id_token|code_verifier)=([^&\\s\"']+)");
  private static final Pattern JSON_MEMBERS =
      Pattern.compile(
          "(?i)\"(access_token|refresh_token|client_secret|password|value|code|id_token"
              + "|api_key|code_verifier)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern AUTH_SCHEMES =
      Pattern.compile("(?i)\\b(Bearer|Basic)\\s+([A-Za-z0-9._~+/=-]{4,})");
  private static final Pattern API_KEYS = Pattern.compile("cfk_[A-Za-z0-9_-]{8,}");

  private Redaction() {}

  public static String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = replace(PARAMS, text, m -> m.group(1) + "=" + MASK);
    out = replace(JSON_MEMBERS, out, m -> "\"" + m.group(1) + "\":\"" + MASK + "\"");
    out = replace(AUTH_SCHEMES, out, m -> m.group(1) + " " + MASK);
    return API_KEYS.matcher(out).replaceAll("cfk_" + MASK);
  }

  private static String replace(
      Pattern p, String text, java.util.function.Function<Matcher, String> f) {
    Matcher m = p.matcher(text);
    if (!m.find()) {
      return text;
    }
    StringBuilder sb = new StringBuilder();
    do {
      m.appendReplacement(sb, Matcher.quoteReplacement(f.apply(m)));
    } while (m.find());
    m.appendTail(sb);
    return sb.toString();
  }
}
