package io.credflow.testing;

import io.credflow.flow.Dispatch;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Components;
import io.credflow.testing.documents.Credentials;
import io.credflow.testing.upstream.Upstream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the tests that run several {@link CredflowProcess}es on one PostgreSQL database share: a
 * workspace to send load through, flow steps that the upstream holds, the flow-step tasks left in
 * db-scheduler's table, and keeping the processes' logs once the temporary directory is removed.
 */
public final class ChildProcesses {
  private ChildProcesses() {}

  /** A workspace with a REST API V2 component and a noauth credential of it. */
  public record NoauthWorkspace(Api admin, String workspace, String component, String credential) {
    /** Built through {@code admin}: a tenant named {@code label}, its contract and workspace. */
    public static NoauthWorkspace create(Api admin, String label) {
      String tenant = World.tenant(admin, label);
      String contract = World.contract(admin, tenant, label + " contract");
      String workspace = World.workspace(admin, contract, label + " workspace");
      String component = Components.restApiV2().types("noauth").tenant(tenant).create(admin);
      String client = AuthClients.noauth().tenant(tenant).components(component).create(admin);
      String credential =
          Credentials.named("none").authClient(client).secrets(Map.of()).create(admin, workspace);
      return new NoauthWorkspace(admin, workspace, component, credential);
    }
  }

  /**
   * Step {@code index} of a flow ({@code id}): a GET of the upstream's {@code /slow} with {@code
   * query} and the run's {@code n}, from the trigger's body for the first step and from its
   * passthrough after, so that the upstream can tell the requests of each run apart.
   */
  public static Map<String, Object> slowStep(
      NoauthWorkspace w, Upstream upstream, String id, int index, String query) {
    String n = index == 0 ? "body.n" : "$getPassthrough().trigger.n";
    Map<String, Object> reader = new LinkedHashMap<>();
    reader.put("method", "GET");
    reader.put("url", "\"" + upstream.url("/slow") + "?" + query + "&n=\" & " + n);
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("reader", reader);
    return Flows.step(id, w.component(), w.credential(), config);
  }

  /** Flow-step tasks still in db-scheduler's table, picked or not. */
  public static int leftoverStepTasks(Connection sql) throws SQLException {
    try (var q = sql.prepareStatement("SELECT count(*) FROM scheduled_tasks WHERE task_name = ?")) {
      q.setString(1, Dispatch.TASK);
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /**
   * Copies each process's log to {@code target/PREFIX-I.log} (I its index), when the build has a
   * {@code target} folder, to read after a failure.
   */
  public static void keepLogs(List<CredflowProcess> processes, String prefix) throws IOException {
    for (int i = 0; i < processes.size(); i++) {
      Path log = processes.get(i).log();
      if (Files.exists(log) && Files.isDirectory(Path.of("target"))) {
        Files.copy(
            log, Path.of("target", prefix + "-" + i + ".log"), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** Deletes {@code dir} with everything in it. */
  public static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
