package io.credflow.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.remote.service.DriverFinder;
import org.openqa.selenium.support.ui.Select;

/** The browser harness against a small static site: finders, windows, screenshots, console. */
class BrowserTest {
  @RegisterExtension
  static final Browser browser = Browser.chromium().waitingUpTo(Duration.ofSeconds(3));

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  // Scripts come from files, as in the console: the site's policy allows no inline script.
  private static final String POLICY = "default-src 'self'";

  private static final String HOME =
      """
      <!doctype html>
      <html><head><title>Harness</title><script src="/home.js" defer></script></head>
      <body>
        <h1>Harness page</h1>
        <form>
          <label for="name">Your name</label> <input id="name" name="name">
          <label>Colour <select name="colour"><option>Red</option><option>Blue</option></select>
          </label>
          <textarea aria-label="Notes"></textarea>
          <input name="secret" type="password" hidden aria-label="Hidden">
          <button type="button" id="greet">Greet</button>
          <button type="button" id="open-popup">Open popup</button>
        </form>
        <p id="greeting"></p>
        <a href="/other">Another page</a>
      </body></html>
      """;

  private static final String HOME_JS =
      """
      document.getElementById('greet').addEventListener('click', () => {
        const name = document.getElementById('name').value;
        document.getElementById('greeting').textContent = 'Hello, ' + name + '!';
      });
      document.getElementById('open-popup').addEventListener('click', () => {
        window.open('/popup', 'popup', 'width=480,height=360');
      });
      """;

  private static Javalin site;
  private static String base;

  @BeforeAll
  static void serve() {
    site =
        Javalin.create(
                c -> {
                  c.startup.showJavalinBanner = false;
                  c.jetty.host = "127.0.0.1";
                  c.jetty.port = 0;
                  c.routes.before(ctx -> ctx.header("Content-Security-Policy", POLICY));
                  c.routes.get("/", ctx -> ctx.html(HOME));
                  c.routes.get("/home.js", ctx -> script(ctx, HOME_JS));
                  c.routes.get("/popup", ctx -> ctx.html(page("Popup", "<p>I am the popup</p>")));
                  c.routes.get("/other", ctx -> ctx.html(page("Other", "<p>Another page</p>")));
                  c.routes.get(
                      "/throws",
                      ctx ->
                          ctx.html(
                              page("Throws", "<script src=\"/boom.js\"></script><p>Throws</p>")));
                  c.routes.get("/boom.js", ctx -> script(ctx, "throw new Error('boom');"));
                  c.routes.get(
                      "/inline",
                      ctx ->
                          ctx.html(
                              page("Inline", "<script>document.title = 'ran'</script><p>x</p>")));
                })
            .start();
    base = "http://127.0.0.1:" + site.port();
  }

  @AfterAll
  static void stopServing() {
    site.stop();
  }

  private static void script(io.javalin.http.Context ctx, String js) {
    ctx.contentType("text/javascript; charset=utf-8").result(js);
  }

  private static String page(String title, String body) {
    return "<!doctype html><html><head><title>%s</title></head><body>%s</body></html>"
        .formatted(title, body);
  }

  @Test
  void fieldWhenLabelledByForNestingOrAriaThenFound() {
    browser.open(base + "/");

    browser.type("Your name", "Ada");
    browser.select("Colour", "Blue");
    browser.type("Notes", "first line");

    assertThat(browser.field("Your name").getDomProperty("value")).isEqualTo("Ada");
    assertThat(new Select(browser.field("Colour")).getFirstSelectedOption().getText())
        .isEqualTo("Blue");
    assertThat(browser.field("Notes").getDomProperty("value")).isEqualTo("first line");
  }

  @Test
  void fieldWhenNoneVisibleThenFailureNamesTheLabelsThere() {
    browser.open(base + "/");

    assertThatThrownBy(() -> browser.field("Hidden"))
        .isInstanceOf(NoSuchElementException.class)
        .hasMessageContaining("no visible field labelled \"Hidden\" on " + base + "/ (1 hidden)")
        .hasMessageContaining("[Your name, Colour, Notes]");
  }

  @Test
  void clickWhenButtonNamedThenPageReacts() {
    browser.open(base + "/");

    browser.type("Your name", "Ada");
    browser.click("Greet");

    assertThat(browser.waitFor(() -> browser.text().contains("Hello, Ada!"))).isTrue();
  }

  @Test
  void linkWhenFollowedThenOtherPage() {
    browser.open(base + "/");

    browser.link("Another page").click();

    browser.waitFor(d -> d.getTitle().equals("Other"));
    assertThat(browser.url()).isEqualTo(base + "/other");
  }

  @Test
  void popupWhenOpenedByScriptThenSwitchedToAndBack() {
    browser.open(base + "/");

    browser.click("Open popup");
    String popup = browser.switchToNewWindow();

    assertThat(browser.text()).isEqualTo("I am the popup");
    assertThat(browser.windowHandles()).containsExactlyInAnyOrder(browser.mainWindow(), popup);
    browser.switchToWindow(browser.mainWindow());
    assertThat(browser.text()).contains("Harness page");
  }

  @Test
  void screenshotWhenTakenThenPngInTheClassDirectory() throws IOException {
    browser.open(base + "/");

    Path shot = browser.screenshot("home page");

    assertThat(shot.getParent()).isEqualTo(Path.of("target", "screenshots", "BrowserTest"));
    assertThat(shot.getFileName().toString()).matches("\\d\\d-home-page\\.png");
    assertThat(signature(shot)).isEqualTo(PNG_SIGNATURE);
  }

  @Test
  void saveFailureWhenTestFailedThenScreenshotAndPageWithOneNumber() throws IOException {
    browser.open(base + "/");

    Browser.FailureArtifacts saved = browser.saveFailure("someTestMethod");

    String number = saved.screenshot().getFileName().toString().substring(0, 2);
    assertThat(saved.screenshot().getFileName().toString())
        .isEqualTo(number + "-FAILED-someTestMethod.png");
    assertThat(signature(saved.screenshot())).isEqualTo(PNG_SIGNATURE);
    assertThat(saved.page()).hasFileName(number + "-FAILED-someTestMethod.html");
    assertThat(Files.readString(saved.page()))
        .startsWith("<!-- " + base + "/ -->")
        .contains("<h1>Harness page</h1>");
  }

  @Test
  void consoleErrorsWhenPageThrowsThenReported() {
    browser.open(base + "/throws");

    List<String> errors = browser.waitFor(() -> nonEmpty(browser.consoleErrors()));

    assertThat(errors).singleElement().asString().contains("/boom.js").contains("Error: boom");
  }

  @Test
  void consoleErrorsWhenPageBreaksItsPolicyThenReported() {
    browser.open(base + "/inline");

    List<String> errors = browser.waitFor(() -> nonEmpty(browser.consoleErrors()));

    assertThat(errors).singleElement().asString().contains("Content Security Policy");
    assertThat(browser.driver().getTitle()).isEqualTo("Inline");
  }

  @Test
  void consoleErrorsWhenCleanPagesThenEmpty() {
    browser.open(base + "/");
    browser.click("Greet");
    browser.click("Open popup");
    browser.switchToNewWindow();
    browser.waitFor(d -> d.getTitle().equals("Popup"));

    assertThat(browser.consoleErrors()).isEmpty();
  }

  @Test
  void forgetTheLastTestWhenDirtyThenOneBlankWindowWithoutCookiesOrStorageOrErrors() {
    browser.open(base + "/");
    browser.driver().manage().addCookie(new Cookie("session", "s3cret"));
    script("localStorage.setItem('k', 'v')");
    browser.click("Open popup");
    browser.switchToNewWindow();
    browser.open(base + "/throws");
    browser.waitFor(() -> nonEmpty(browser.consoleErrors()));

    browser.forgetTheLastTest();

    assertThat(browser.windowHandles()).containsExactly(browser.mainWindow());
    assertThat(browser.url()).isEqualTo("about:blank");
    assertThat(browser.consoleErrors()).isEmpty();
    browser.open(base + "/other");
    assertThat(browser.driver().manage().getCookies()).isEmpty();
    assertThat(script("return localStorage.getItem('k')")).isNull();
  }

  @Test
  void startWhenChromiumMissingThenFailsSayingWhatToInstall() {
    Browser missing = new Browser(Path.of("/nonexistent/chromium"), Path.of(Browser.CHROMEDRIVER));

    assertThatThrownBy(() -> missing.start("BrowserTest"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "browser tests need Debian's chromium and chromium-driver: apt-get install -y"
                + " chromium chromium-driver (./credflow test installs them when run as root)");
  }

  @Test
  void driverFinderWhenBothPathsGivenThenSeleniumManagerNotAsked() throws IOException {
    // What ChromeDriver does before it starts anything: ask a DriverFinder for the paths.
    Logger manager = Logger.getLogger("org.openqa.selenium.manager.SeleniumManager");
    Level level = manager.getLevel();
    List<LogRecord> records = new ArrayList<>();
    Handler recorder = recordingInto(records);
    manager.setLevel(Level.ALL);
    manager.addHandler(recorder);
    Path profile = Files.createTempDirectory("credflow-chromium-");
    try {
      var service = Browser.service(Path.of(Browser.CHROMEDRIVER));
      var finder = new DriverFinder(service, Browser.options(Path.of(Browser.CHROMIUM), profile));

      assertThat(finder.getDriverPath())
          .isEqualTo(Path.of(Browser.CHROMEDRIVER).toRealPath().toString());
      assertThat(finder.hasBrowserPath()).isFalse(); // the options' binary stays
      assertThat(records).isEmpty();
    } finally {
      manager.removeHandler(recorder);
      manager.setLevel(level);
      Files.delete(profile);
    }
  }

  private static Object script(String js) {
    return ((JavascriptExecutor) browser.driver()).executeScript(js);
  }

  private static <T> List<T> nonEmpty(List<T> list) {
    return list.isEmpty() ? null : list;
  }

  private static byte[] signature(Path file) throws IOException {
    return Arrays.copyOf(Files.readAllBytes(file), PNG_SIGNATURE.length);
  }

  private static Handler recordingInto(List<LogRecord> records) {
    return new Handler() {
      @Override
      public void publish(LogRecord record) {
        records.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
  }
}
