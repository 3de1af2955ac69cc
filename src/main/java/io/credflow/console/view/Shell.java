package io.credflow.console.view;

import java.util.List;
import java.util.Optional;

/**
 * The frame around every signed-in page: who is signed in, the workspaces to switch between, the
 * one shown, where in the sidebar the page belongs, its breadcrumbs and a one-time notice.
 */
public record Shell(
    String title,
    String userEmail,
    boolean admin,
    String csrf,
    List<WorkspaceChoice> workspaces,
    Optional<WorkspaceChoice> workspace,
    String section,
    List<Crumb> crumbs,
    Optional<String> notice) {
  public Shell {
    workspaces = List.copyOf(workspaces);
    crumbs = List.copyOf(crumbs);
  }

  /** A workspace in the switcher: its id and a label naming its tenant and contract too. */
  public record WorkspaceChoice(String id, String name, String label) {}

  /** One breadcrumb; the last has no link. */
  public record Crumb(String label, Optional<String> href) {
    public static Crumb link(String label, String href) {
      return new Crumb(label, Optional.of(href));
    }

    public static Crumb here(String label) {
      return new Crumb(label, Optional.empty());
    }
  }

  /** The base path of the shown workspace's pages, e.g. {@code /w/ID}. */
  public String base() {
    return workspace.map(w -> "/w/" + w.id()).orElse("");
  }

  /** The sidebar's entries: label, section key and path under {@link #base()}. */
  public List<Nav> nav() {
    return List.of(
        new Nav("Flows", "flows", "/flows"),
        new Nav("Credentials", "credentials", "/credentials"),
        new Nav("Auth clients", "auth-clients", "/auth-clients"),
        new Nav("Components", "components", "/components"),
        new Nav("Workspace", "workspace", "/workspace"),
        new Nav("Events", "events", "/events"),
        new Nav("Webhooks", "webhooks", "/webhooks"));
  }

  /** A sidebar entry. */
  public record Nav(String label, String key, String path) {}

  public Shell withNotice(Optional<String> newNotice) {
    return new Shell(
        title, userEmail, admin, csrf, workspaces, workspace, section, crumbs, newNotice);
  }
}
