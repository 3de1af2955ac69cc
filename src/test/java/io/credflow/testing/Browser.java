package io.credflow.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.ElementNotInteractableException;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.NoSuchWindowException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.net.PortProber;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium, driven through its ChromeDriver by Selenium, for the browser
 * console's stories. One extension owns the browser's life:
 *
 * <pre>{@code
 * @RegisterExtension static final Browser browser = Browser.chromium();
 *
 * @Test
 * void loginWhenPasswordRightThenDashboard() {
 *   browser.open(server.baseUrl() + "/");
 *   browser.type("Email", "ada@example.com");
 *   browser.type("Password", "correct horse");
 *   browser.click("Log in");
 *   browser.waitFor(() -> browser.text().contains("Dashboard"));
 *   assertThat(browser.consoleErrors()).isEmpty();
 * }
 * }</pre>
 *
 * <p>On a {@code static} field one browser serves the whole class (a start costs more than a
 * second); before each test it is brought back to one blank window without cookies or stored data
 * of the origins it was at. On an instance field every test gets its own browser.
 *
 * <p>It runs {@value #CHROMIUM} with {@value #CHROMEDRIVER} and never anything else: both paths are
 * given, so Selenium Manager (which would look for, and download, a browser and a driver) is never
 * asked. When either is missing the test fails, saying what to install; browser tests never skip.
 *
 * <p>Elements are found the way a user finds them: a field by its label, a button or a link by its
 * text. Those finders wait (up to {@link #DEFAULT_WAIT}, or what {@link #waitingUpTo} says) until
 * exactly one visible element answers, so that a story needs no waits of its own for what htmx is
 * about to swap in; when none does, the failure names what the page has instead. Several visible
 * answers fail at once: the page is ambiguous to a user too.
 *
 * <p>When a test fails, its browser's window and page are saved as {@code
 * target/screenshots/<TestClass>/<NN>-FAILED-<testMethod>.png} and {@code .html}, next to what the
 * test saved with {@link #screenshot(String)}.
 */
public final class Browser
    implements BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        AfterTestExecutionCallback {

  public static final String CHROMIUM = "/usr/bin/chromium";
  public static final String CHROMEDRIVER = "/usr/bin/chromedriver";

  /** Chromium's command line, apart from its profile directory (a fresh one per browser). */
  public static final List<String> FLAGS =
      List.of(
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--window-size=1280,900");

  /** How long finders and {@code waitFor} without a timeout wait. */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

  static final String NOT_INSTALLED =
      "browser tests need Debian's chromium and chromium-driver: apt-get install -y chromium"
          + " chromium-driver (./credflow test installs them when run as root)";

  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration DRIVER_START = Duration.ofSeconds(20);

  // Selenium looks for CDP bindings (its selenium-devtools-vNNN modules, not on our class path)
  // and warns at every start that none matches this Chromium; we need none (the CDP commands here
  // go through ChromeDriver). A logger's level holds only while the logger is referenced.
  private static final Logger CDP_VERSION_FINDER =
      Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

  static {
    CDP_VERSION_FINDER.setLevel(Level.SEVERE);
  }

  private final Path chromium;
  private final Path chromedriver;
  private Duration wait = DEFAULT_WAIT;

  // The running browser and what lives as long as it does.
  private ChromeDriver driver;
  private Path profile;
  private Screenshots screenshots;
  private String ownerId;
  private boolean perTest;

  // What one test did; forgotten before the next.
  private String mainWindow;
  private final Set<String> visitedWindows = new HashSet<>();
  private final Set<String> urls = new LinkedHashSet<>();
  private final ConsoleLog console = new ConsoleLog();

  Browser(Path chromium, Path chromedriver) {
    this.chromium = chromium;
    this.chromedriver = chromedriver;
  }

  /** Debian's Chromium ({@value #CHROMIUM}) and ChromeDriver ({@value #CHROMEDRIVER}). */
  public static Browser chromium() {
    return new Browser(Path.of(CHROMIUM), Path.of(CHROMEDRIVER));
  }

  /**
   * How long finders and {@code waitFor} without a timeout wait: {@link #DEFAULT_WAIT} if unsaid.
   */
  public Browser waitingUpTo(Duration wait) {
    if (wait.isNegative() || wait.isZero()) {
      throw new IllegalArgumentException("a browser waits a positive time, not " + wait);
    }
    this.wait = wait;
    return this;
  }

  // ---- lifecycle ----

  @Override
  public void beforeAll(ExtensionContext context) {
    if (driver == null) {
      start(context.getRequiredTestClass().getSimpleName());
      ownerId = context.getUniqueId();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    String testClass = context.getRequiredTestClass().getSimpleName();
    if (driver == null) {
      perTest = true;
      start(testClass);
    }
    try {
      forgetTheLastTest();
    } catch (WebDriverException e) {
      // The last test left the browser unusable (closed its last window, crashed it): a new one.
      stop();
      start(testClass);
      forgetTheLastTest();
    }
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    context
        .getExecutionException()
        .ifPresent(
            failure -> {
              try {
                saveFailure(context.getRequiredTestMethod().getName());
              } catch (RuntimeException e) {
                failure.addSuppressed(e);
              }
            });
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (perTest) {
      stop();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (context.getUniqueId().equals(ownerId)) {
      stop();
    }
  }

  /** Starts the browser, its screenshots going to {@code testClass}'s directory. */
  void start(String testClass) {
    if (!Files.isExecutable(chromium) || !Files.isExecutable(chromedriver)) {
      throw new AssertionError(NOT_INSTALLED);
    }
    keepSeleniumManagerOffline();
    Path dir;
    try {
      dir = Files.createTempDirectory("credflow-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      driver = new ChromeDriver(service(chromedriver), options(chromium, dir));
    } catch (RuntimeException | Error e) {
      deleteTree(dir);
      throw e;
    }
    profile = dir;
    screenshots = Screenshots.of(testClass);
    mainWindow = driver.getWindowHandle();
  }

  /** Quits the browser and its driver and deletes its profile. */
  void stop() {
    ChromeDriver running = driver;
    Path dir = profile;
    driver = null;
    profile = null;
    ownerId = null;
    perTest = false;
    try {
      if (running != null) {
        running.quit();
      }
    } finally {
      if (dir != null) {
        deleteTree(dir);
      }
    }
  }

  /**
   * ChromeDriver at {@code executable} on a free port, its own output dropped (a browser that does
   * not start says why in the exception). Built without {@code ChromeDriverService.Builder}, whose
   * class file names an annotation (AutoService) that is not on the class path: javac warns, and
   * the build makes warnings errors.
   */
  static ChromeDriverService service(Path executable) {
    int port = PortProber.findFreePort();
    try {
      ChromeDriverService service =
          new ChromeDriverService(
              executable.toFile(), port, DRIVER_START, List.of("--port=" + port), Map.of());
      service.sendOutputTo(OutputStream.nullOutputStream());
      return service;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Chromium at {@code executable} with {@link #FLAGS}, {@code profile} and its console log. */
  static ChromeOptions options(Path executable, Path profile) {
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(executable.toFile());
    options.addArguments(FLAGS);
    options.addArguments("--user-data-dir=" + profile);
    options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
    return options;
  }

  /**
   * Selenium Manager never runs here: with the driver's path in the service, Selenium's {@code
   * DriverFinder} takes it (and the browser's from the options) without asking. Should a later
   * Selenium ask anyway, it hands the manager every {@code SE_*} system property as an environment
   * variable: then it looks for nothing online and reports no usage statistics.
   */
  private static void keepSeleniumManagerOffline() {
    if (System.getProperty("SE_OFFLINE") == null) {
      System.setProperty("SE_OFFLINE", "true");
    }
    if (System.getProperty("SE_AVOID_STATS") == null) {
      System.setProperty("SE_AVOID_STATS", "true");
    }
  }

  /**
   * Back to one blank window, without the cookies of any site and the stored data of the origins
   * the browser opened or ended at, the console log and windows of the last test forgotten.
   */
  void forgetTheLastTest() {
    ChromeDriver d = running();
    Set<String> handles = d.getWindowHandles();
    if (handles.isEmpty()) {
      throw new NoSuchWindowException("the last test closed every window");
    }
    String keep = handles.contains(mainWindow) ? mainWindow : handles.iterator().next();
    for (String handle : handles) {
      d.switchTo().window(handle);
      urls.add(d.getCurrentUrl());
      if (!handle.equals(keep)) {
        d.close();
      }
    }
    d.switchTo().window(keep);
    d.get("about:blank");
    d.executeCdpCommand("Network.clearBrowserCookies", Map.of());
    for (String origin : urls.stream().flatMap(Browser::originOf).distinct().toList()) {
      d.executeCdpCommand(
          "Storage.clearDataForOrigin", Map.of("origin", origin, "storageTypes", "all"));
    }
    urls.clear();
    mainWindow = keep;
    visitedWindows.clear();
    visitedWindows.add(keep);
    console.add(d.manage().logs().get(LogType.BROWSER));
    console.clear();
  }

  private static Stream<String> originOf(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      return Stream.empty(); // a data: URL, say: no origin to clear
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      return Stream.empty();
    }
    return Stream.of(
        uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()));
  }

  /** The files saved when a test failed. */
  record FailureArtifacts(Path screenshot, Path page) {}

  /**
   * Saves the window as {@code <NN>-FAILED-<testMethod>.png} and the page (its DOM now, after a
   * comment with its URL) as {@code .html} with the same number: what the extension does when a
   * test fails, before any {@code @AfterEach} method moves the browser on.
   */
  FailureArtifacts saveFailure(String testMethod) {
    ChromeDriver d = running();
    int number = screenshots.next();
    String name = "FAILED-" + testMethod;
    WebDriverException failure = null;
    Path png = null;
    try {
      png = screenshots.write(number, name, "png", d.getScreenshotAs(OutputType.BYTES));
    } catch (WebDriverException e) {
      failure = e;
    }
    Path html;
    try {
      String page = "<!-- " + d.getCurrentUrl() + " -->\n" + d.getPageSource();
      html = screenshots.write(number, name, "html", page.getBytes(UTF_8));
    } catch (WebDriverException e) {
      if (failure != null) {
        e.addSuppressed(failure);
      }
      throw e;
    }
    if (failure != null) {
      throw failure;
    }
    return new FailureArtifacts(png, html);
  }

  private static void deleteTree(Path dir) {
    // Chromium's last helper processes may still be writing as it exits: a second pass gets those.
    for (int pass = 1; ; pass++) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
        return;
      } catch (NoSuchFileException e) {
        if (!Files.exists(dir)) {
          return;
        }
      } catch (IOException e) {
        if (pass == 3) {
          throw new UncheckedIOException("cannot delete Chromium's profile " + dir, e);
        }
      }
    }
  }

  // ---- what tests use ----

  /** The browser, for what the helpers here do not cover. */
  public WebDriver driver() {
    return running();
  }

  private ChromeDriver running() {
    if (driver == null) {
      throw new IllegalStateException(
          "the browser is not running: register Browser.chromium() with @RegisterExtension (on a"
              + " static field for one browser per class) and use it within a test");
    }
    return driver;
  }

  /** Loads {@code url} in the current window and waits until it has loaded. */
  public void open(String url) {
    driver().get(url);
    urls.add(url);
  }

  /** Waits until the current page shows {@code text}. */
  public void waitForText(String text) {
    waitFor(() -> text().contains(text));
  }

  /**
   * Signs in to the console at {@code baseUrl} as {@code email} through its sign-in form, and waits
   * for the page it lands on (the Credentials grid).
   */
  public void signIn(String baseUrl, String email, String password) {
    open(baseUrl + "/");
    waitForText("Sign in");
    type("Email", email);
    type("Password", password);
    click("Sign in");
    waitForText("Choose a component");
  }

  /** The current window's URL. */
  public String url() {
    return driver().getCurrentUrl();
  }

  /**
   * The text the current page shows (its body's visible text). A body replaced while it is read (a
   * navigation) is a {@link org.openqa.selenium.StaleElementReferenceException}, which waits take
   * as "not yet": Chromium sometimes reports it as an inspector error instead.
   */
  public String text() {
    try {
      return driver().findElement(By.tagName("body")).getText();
    } catch (org.openqa.selenium.WebDriverException e) {
      if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
        throw new org.openqa.selenium.StaleElementReferenceException(
            "the page was replaced while its text was read", e);
      }
      throw e;
    }
  }

  /**
   * The one visible input, select or textarea whose {@code <label>} (by {@code for} or around it),
   * {@code aria-label} or {@code aria-labelledby} text is {@code label}, once there is one.
   */
  public WebElement field(String label) {
    return untilFound(PageQuery.Kind.FIELD, label, e -> e);
  }

  /**
   * The one visible {@code <button>}, submit/button input or {@code role=button} element (e.g. a
   * link) whose text, value or aria label is {@code name}, once there is one.
   */
  public WebElement button(String name) {
    return untilFound(PageQuery.Kind.BUTTON, name, e -> e);
  }

  /** The one visible link whose text or aria label is {@code text}, once there is one. */
  public WebElement link(String text) {
    return untilFound(PageQuery.Kind.LINK, text, e -> e);
  }

  /** Clicks {@link #button(String) the button named} {@code buttonName} once it can be clicked. */
  public void click(String buttonName) {
    untilFound(
        PageQuery.Kind.BUTTON,
        buttonName,
        e -> {
          e.click();
          return true;
        });
  }

  /**
   * Replaces what {@link #field(String) the field labelled} {@code label} holds with {@code text}.
   */
  public void type(String label, String text) {
    untilFound(
        PageQuery.Kind.FIELD,
        label,
        e -> {
          e.clear();
          e.sendKeys(text);
          return true;
        });
  }

  /** Chooses the option shown as {@code option} in the select labelled {@code label}. */
  public void select(String label, String option) {
    untilFound(
        PageQuery.Kind.FIELD,
        label,
        e -> {
          new Select(e).selectByVisibleText(option);
          return true;
        });
  }

  /**
   * Waits until {@code condition} (e.g. an {@code ExpectedConditions} one, or {@code d -> ...})
   * gives something other than null or false, and returns that; fails after {@code timeout}.
   * Elements not found (yet) count as not yet.
   */
  public <T> T waitFor(Function<? super WebDriver, T> condition, Duration timeout) {
    return waiting(timeout).until(condition);
  }

  /** {@link #waitFor(Function, Duration)} for up to {@link #waitingUpTo the browser's wait}. */
  public <T> T waitFor(Function<? super WebDriver, T> condition) {
    return waitFor(condition, wait);
  }

  /** {@link #waitFor(Function, Duration)} for a condition that needs no driver. */
  public <T> T waitFor(Supplier<T> condition, Duration timeout) {
    return waitFor(d -> condition.get(), timeout);
  }

  /** {@link #waitFor(Supplier, Duration)} for up to {@link #waitingUpTo the browser's wait}. */
  public <T> T waitFor(Supplier<T> condition) {
    return waitFor(condition, wait);
  }

  private WebDriverWait waiting(Duration timeout) {
    // A condition read while the page is being replaced (a navigation, an htmx swap) meets
    // elements that are gone: that is "not yet", not a failure.
    WebDriverWait wait = new WebDriverWait(driver(), timeout, POLL);
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return wait;
  }

  /**
   * Waits until exactly one visible element of {@code kind} is named {@code name} and {@code
   * action} succeeds on it, trying again while htmx replaces it or something covers it.
   */
  private <T> T untilFound(PageQuery.Kind kind, String name, Function<WebElement, T> action) {
    AtomicReference<PageQuery.Result> last = new AtomicReference<>();
    FluentWait<WebDriver> until =
        waiting(wait)
            .ignoring(StaleElementReferenceException.class)
            .ignoring(ElementNotInteractableException.class);
    try {
      return until.until(
          d -> {
            PageQuery.Result result = PageQuery.run(d, kind, name);
            last.set(result);
            WebElement element = result.only();
            return element == null ? null : action.apply(element);
          });
    } catch (TimeoutException e) {
      PageQuery.Result result = last.get();
      if (result != null && result.found().isEmpty()) {
        throw new NoSuchElementException(result.missing(url()) + " after " + wait, e);
      }
      throw e;
    }
  }

  // ---- windows ----

  /** The window this test started in. */
  public String mainWindow() {
    driver();
    return mainWindow;
  }

  /** The handles of the browser's open windows. */
  public Set<String> windowHandles() {
    return driver().getWindowHandles();
  }

  /**
   * Waits for a window this test has not been in yet (a popup the page opened), switches to it and
   * returns its handle; fails when there are several.
   */
  public String switchToNewWindow() {
    Set<String> seen = Set.copyOf(visitedWindows);
    List<String> fresh =
        waiting(wait)
            .withMessage(() -> "no new window; the windows: " + windowHandles() + ", seen " + seen)
            .until(
                d -> {
                  List<String> handles =
                      d.getWindowHandles().stream().filter(h -> !seen.contains(h)).toList();
                  return handles.isEmpty() ? null : handles;
                });
    if (fresh.size() > 1) {
      throw new IllegalStateException(
          fresh.size()
              + " new windows "
              + fresh
              + ": switch to the one you mean with switchToWindow(handle)");
    }
    switchToWindow(fresh.get(0));
    return fresh.get(0);
  }

  /** Switches to window {@code handle} (e.g. back to {@link #mainWindow()}). */
  public void switchToWindow(String handle) {
    driver().switchTo().window(handle);
    visitedWindows.add(handle);
  }

  // ---- what the browser showed and said ----

  /**
   * Saves the window as a PNG, {@code target/screenshots/<TestClass>/<NN>-<name>.png}, and returns
   * its path.
   */
  public Path screenshot(String name) {
    byte[] png = running().getScreenshotAs(OutputType.BYTES);
    return screenshots.write(screenshots.next(), name, "png", png);
  }

  /**
   * The errors the browser's console showed during this test, in any window, oldest first: uncaught
   * exceptions, {@code console.error} calls, Content-Security-Policy violations and resources that
   * failed to load (except the {@code /favicon.ico} a browser asks for on its own).
   */
  public List<String> consoleErrors() {
    console.add(running().manage().logs().get(LogType.BROWSER));
    return console.errors();
  }

  @Override
  public String toString() {
    return "Browser[" + chromium + ", " + chromedriver + (driver == null ? "" : ", running") + "]";
  }
}
