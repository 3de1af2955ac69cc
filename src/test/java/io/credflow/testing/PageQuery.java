package io.credflow.testing;

import java.util.List;
import java.util.Map;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * Finds the elements of a page the way a user names them: a field by its label, a button or a link
 * by its text. One script run per look, so that a {@link Browser} can poll it while the page
 * changes (htmx swaps) without a round trip per candidate.
 */
final class PageQuery {

  /** What a user looks for, with how a message names it and its kin. */
  enum Kind {
    FIELD("field labelled", "labels"),
    BUTTON("button named", "buttons"),
    LINK("link named", "links");

    private final String one;
    private final String many;

    Kind(String one, String many) {
      this.one = one;
      this.many = many;
    }
  }

  /**
   * The visible elements whose name is the one asked for, how many more are there but hidden, and
   * the names of every visible candidate of the kind (for a message saying what is on the page).
   */
  record Result(Kind kind, String name, List<WebElement> found, int hidden, List<String> names) {

    /** The one element found; empty when none is visible yet; fails when several are. */
    WebElement only() {
      if (found.size() > 1) {
        throw new IllegalStateException(
            found.size()
                + " visible elements are a "
                + kind.one
                + " \""
                + name
                + "\": name the one you mean by something else");
      }
      return found.isEmpty() ? null : found.get(0);
    }

    /** Why nothing was found, with what there is instead. */
    String missing(String url) {
      return "no visible "
          + kind.one
          + " \""
          + name
          + "\" on "
          + url
          + (hidden > 0 ? " (" + hidden + " hidden)" : "")
          + "; visible "
          + kind.many
          + " there: "
          + names;
    }
  }

  // Accessible names, simplified: a field's are its labels' texts (label.labels covers `for` and
  // nesting; a nested control's own text, e.g. a select's options, is left out) and its
  // aria-label(ledby); a button's or link's are its aria-label(ledby) and its visible text (an
  // input's value).
  private static final String SCRIPT =
      """
      const [kind, name] = arguments;
      const norm = s => (s || '').replace(/\\s+/g, ' ').trim();
      const shown = e => e.getClientRects().length > 0
          && getComputedStyle(e).visibility !== 'hidden';
      const aria = e => {
        const names = [];
        const ids = e.getAttribute('aria-labelledby');
        if (ids) {
          names.push(norm(ids.split(/\\s+/)
              .map(id => document.getElementById(id)?.textContent ?? '').join(' ')));
        }
        if (e.hasAttribute('aria-label')) names.push(norm(e.getAttribute('aria-label')));
        return names;
      };
      const labelText = label => {
        const copy = label.cloneNode(true);
        copy.querySelectorAll('input, select, textarea, button').forEach(c => c.remove());
        return norm(copy.textContent);
      };
      const selectors = {
        FIELD: 'input:not([type=hidden], [type=submit], [type=button], [type=reset],'
            + ' [type=image]), select, textarea',
        BUTTON: 'button, input[type=submit], input[type=button], input[type=reset],'
            + ' [role=button]',
        LINK: 'a[href]:not([role=button])',
      };
      const namesOf = e => kind === 'FIELD'
          ? [...Array.from(e.labels || [], labelText), ...aria(e)]
          : [...aria(e), norm(e.tagName === 'INPUT' ? e.value : e.innerText)];
      const found = [], names = [];
      let hidden = 0;
      for (const e of document.querySelectorAll(selectors[kind])) {
        const own = namesOf(e).filter(n => n);
        const visible = shown(e);
        if (visible) names.push(...own);
        if (own.includes(name)) {
          if (visible) found.push(e); else hidden++;
        }
      }
      return {found, hidden, names};
      """;

  private PageQuery() {}

  static Result run(WebDriver driver, Kind kind, String name) {
    Map<?, ?> result =
        (Map<?, ?>) ((JavascriptExecutor) driver).executeScript(SCRIPT, kind.name(), name);
    return new Result(
        kind,
        name,
        listOf(result.get("found"), WebElement.class),
        ((Number) result.get("hidden")).intValue(),
        listOf(result.get("names"), String.class));
  }

  private static <T> List<T> listOf(Object list, Class<T> type) {
    return ((List<?>) list).stream().map(type::cast).toList();
  }
}
