package io.credflow.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser of the console for tests: real HTTP to a real server, keeping cookies as a browser
 * does, never following redirects (a test asserts where a redirect points), and sending each form
 * with the CSRF token the last page carried ({@code <meta name="csrf-token">}, else a hidden {@code
 * _csrf} field), as the console's script and forms do.
 *
 * <pre>{@code
 * ConsoleClient browser = ConsoleClient.of(server);
 * browser.signIn("admin@localhost", PASSWORD);
 * browser.get("/w/" + ws + "/credentials/c/" + component + "/new?type=basic");
 * Page saved = browser.post("/w/" + ws + "/credentials/c/" + component + "/new", form);
 * }</pre>
 *
 * <p>Not thread-safe: one browser per test thread.
 */
public final class ConsoleClient {
  private static final Pattern META_CSRF =
      Pattern.compile("<meta\\s+name=\"csrf-token\"\\s+content=\"([^\"]*)\"");
  private static final Pattern HIDDEN_CSRF =
      Pattern.compile("<input\\s+type=\"hidden\"\\s+name=\"_csrf\"\\s+value=\"([^\"]*)\"");
  private static final Pattern HIDDEN_NEXT =
      Pattern.compile("<input\\s+type=\"hidden\"\\s+name=\"next\"\\s+value=\"([^\"]*)\"");

  /** The cookie holding the session. */
  public static final String SESSION_COOKIE = "credflow_session";

  /** The double-submit cookie of the forms shown before sign-in. */
  public static final String FORM_COOKIE = "credflow_form";

  private final URI base;
  private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final HttpClient http;
  private Optional<String> csrf = Optional.empty();

  /** An answer as a browser got it: status, headers and the HTML (or whatever the body was). */
  public record Page(int status, HttpHeaders headers, String html) {
    public Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    /** Where a redirect points; empty for an answer that is no redirect. */
    public Optional<String> location() {
      return header("Location");
    }

    /** The {@code Set-Cookie} header that sets cookie {@code name}, as sent. */
    public Optional<String> setCookie(String name) {
      return headers.allValues("Set-Cookie").stream()
          .filter(h -> h.startsWith(name + "="))
          .findFirst();
    }

    /**
     * The CSRF token this page carries for its forms: the {@code csrf-token} meta of a signed-in
     * page, else the first hidden {@code _csrf} field (the sign-in and setup forms).
     */
    public Optional<String> csrf() {
      return first(META_CSRF).or(() -> first(HIDDEN_CSRF));
    }

    /** Group 1 of the first match of {@code pattern} in the HTML. */
    public Optional<String> first(Pattern pattern) {
      Matcher m = pattern.matcher(html);
      return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** Group 1 of every match of {@code pattern} in the HTML, in order. */
    public List<String> all(Pattern pattern) {
      Matcher m = pattern.matcher(html);
      List<String> out = new ArrayList<>();
      while (m.find()) {
        out.add(m.group(1));
      }
      return out;
    }

    @Override
    public String toString() {
      return "HTTP " + status + " " + headers.map() + "\n" + html;
    }
  }

  public ConsoleClient(String baseUrl) {
    this.base = URI.create(baseUrl);
    this.http =
        HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** A browser of {@code server}'s console, with no cookies yet. */
  public static ConsoleClient of(TestServer server) {
    return new ConsoleClient(server.baseUrl());
  }

  /**
   * Opens the sign-in page (which sets the form cookie) and sends it with {@code email} and {@code
   * password} and the page's own {@code next}; returns the answer to the post (a 303 when signed
   * in).
   */
  public Page signIn(String email, String password) {
    Page form = get("/signin");
    return signIn(form, email, password, form.first(HIDDEN_NEXT).map(ConsoleClient::unescape));
  }

  /** {@link #signIn(String, String)}, asking to go to {@code next} afterwards. */
  public Page signIn(String email, String password, String next) {
    return signIn(get("/signin"), email, password, Optional.of(next));
  }

  private Page signIn(Page form, String email, String password, Optional<String> next) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("email", email);
    fields.put("password", password);
    next.ifPresent(n -> fields.put("next", n));
    return post("/signin", fields, form);
  }

  /** {@code GET path} as a browser asks for a page ({@code Accept: text/html}). */
  public Page get(String path) {
    return get(path, Map.of());
  }

  /** {@code GET path} with these headers besides {@code Accept: text/html}. */
  public Page get(String path, Map<String, String> headers) {
    HttpRequest.Builder request = request(path).GET();
    headers.forEach(request::setHeader);
    return send(request);
  }

  /** Posts {@code form} with the CSRF token of the last page that carried one ({@link #csrf()}). */
  public Page post(String path, Map<String, String> form) {
    return postWithCsrf(path, form, csrf());
  }

  /** Posts {@code form} with the CSRF token that {@code from} carries. */
  public Page post(String path, Map<String, String> form, Page from) {
    return postWithCsrf(
        path,
        form,
        from.csrf().orElseThrow(() -> new AssertionError("no CSRF token on the page " + from)));
  }

  /** Posts {@code form} with {@code token} as its {@code _csrf} field, right or not. */
  public Page postWithCsrf(String path, Map<String, String> form, String token) {
    Map<String, String> fields = new LinkedHashMap<>(form);
    fields.put("_csrf", token);
    return postWithoutCsrf(path, fields);
  }

  /** Posts {@code form} as given: no CSRF token is added. */
  public Page postWithoutCsrf(String path, Map<String, String> form) {
    return postWithoutCsrf(path, form, Map.of());
  }

  /** Posts {@code form} as given with these headers (e.g. {@code X-CSRF-Token}, htmx's). */
  public Page postWithoutCsrf(String path, Map<String, String> form, Map<String, String> headers) {
    HttpRequest.Builder request =
        request(path)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
    headers.forEach(request::setHeader);
    return send(request);
  }

  /**
   * The CSRF token of the last page that carried one; when none did since the last sign-in, the one
   * of {@code /account/keys} (a page every signed-in user has).
   */
  public String csrf() {
    if (csrf.isEmpty()) {
      Page keys = get("/account/keys");
      if (csrf.isEmpty()) {
        throw new AssertionError("not signed in: /account/keys has no CSRF token: " + keys);
      }
    }
    return csrf.get();
  }

  /** The value of cookie {@code name} this browser holds. */
  public Optional<String> cookie(String name) {
    return cookies.getCookieStore().get(base).stream()
        .filter(c -> c.getName().equals(name))
        .map(HttpCookie::getValue)
        .findFirst();
  }

  /** Sets cookie {@code name} for the whole site, as a browser that kept an old value would. */
  public void setCookie(String name, String value) {
    HttpCookie cookie = new HttpCookie(name, value);
    cookie.setPath("/");
    cookie.setVersion(0);
    cookies.getCookieStore().add(base, cookie);
  }

  /** Forgets cookie {@code name}. */
  public void removeCookie(String name) {
    for (HttpCookie c : List.copyOf(cookies.getCookieStore().get(base))) {
      if (c.getName().equals(name)) {
        cookies.getCookieStore().remove(base, c);
      }
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).header("Accept", "text/html");
  }

  private Page send(HttpRequest.Builder request) {
    HttpResponse<String> r;
    try {
      r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    Page page = new Page(r.statusCode(), r.headers(), r.body());
    if (page.setCookie(SESSION_COOKIE).isPresent()) {
      // A new session (or none): the token of pages of the old one is stale.
      csrf = Optional.empty();
    }
    page.first(META_CSRF).ifPresent(t -> csrf = Optional.of(t));
    return page;
  }

  private static String encode(Map<String, String> form) {
    StringBuilder body = new StringBuilder();
    form.forEach(
        (k, v) -> {
          if (!body.isEmpty()) {
            body.append('&');
          }
          body.append(URLEncoder.encode(k, StandardCharsets.UTF_8))
              .append('=')
              .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
    return body.toString();
  }

  /** The text of an HTML attribute value (the few entities templates write). */
  public static String unescape(String html) {
    return html.replace("&#47;", "/")
        .replace("&#x2F;", "/")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
  }
}
