package io.credflow.testing;

import io.credflow.Config;
import io.credflow.Credflow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Several Credflow instances in this JVM, as separate processes would be: each its own connection
 * pool, refresh scheduler, HTTP port and data directory, all on ONE fresh PostgreSQL database and
 * ONE keyset file (the first node's). Only the first node bootstraps the global admin (key {@link
 * TestServer#ADMIN_KEY}); the others find it in the database. {@link #close()} stops every node and
 * drops the database.
 */
public final class CredflowCluster implements AutoCloseable {
  private final String dbUrl;
  private final List<Credflow> nodes = new ArrayList<>();
  private final List<Path> dirs = new ArrayList<>();

  private CredflowCluster(String dbUrl) {
    this.dbUrl = dbUrl;
  }

  /**
   * Starts {@code size} nodes on a fresh PostgreSQL database, all reading time from {@code clock};
   * on a {@link SettableClock} they run no refresh poller (see {@link TestServer#DRIVEN_BY_HAND}).
   */
  public static CredflowCluster postgres(int size, Clock clock) {
    return postgres(size, clock, config -> {});
  }

  /**
   * {@link #postgres(int, Clock)} with every node configured further by {@code customize}: e.g.
   * {@link TestServer#DRIVEN_BY_HAND}, for nodes whose due refreshes run only when a test calls
   * {@code runDueNow()} on their schedulers.
   */
  public static CredflowCluster postgres(
      int size, Clock clock, Consumer<Config.Builder> customize) {
    CredflowCluster cluster = new CredflowCluster(PostgresDatabases.create());
    try {
      for (int i = 0; i < size; i++) {
        cluster.startNode(clock, customize);
      }
      return cluster;
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  private void startNode(Clock clock, Consumer<Config.Builder> customize) {
    Path dir;
    try {
      dir = Files.createTempDirectory("credflow-node" + nodes.size() + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    dirs.add(dir);
    Config.Builder config =
        Config.builder()
            .port("0")
            .dataDir(dir.toString())
            .allowPrivateNetwork(true)
            .dbUrl(dbUrl)
            .dbUser(PostgresDatabases.USER);
    if (nodes.isEmpty()) {
      config.adminApiKey(TestServer.ADMIN_KEY);
    } else {
      config.keyset(keyset().toString());
    }
    if (clock instanceof SettableClock) {
      TestServer.DRIVEN_BY_HAND.accept(config);
    }
    customize.accept(config);
    nodes.add(Credflow.start(config.build(), clock));
  }

  public int size() {
    return nodes.size();
  }

  public Credflow node(int i) {
    return nodes.get(i);
  }

  public String baseUrl(int i) {
    return "http://127.0.0.1:" + nodes.get(i).port();
  }

  /** The global admin, talking to node {@code i}. */
  public Api admin(int i) {
    return new Api(baseUrl(i), TestServer.ADMIN_KEY);
  }

  /** The keyset file every node uses (created by the first node's start). */
  public Path keyset() {
    return nodes.get(0).config().keysetPath();
  }

  /** The JDBC URL of the shared database. */
  public String dbUrl() {
    return dbUrl;
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (Credflow node : nodes) {
      try {
        node.close();
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    PostgresDatabases.drop(dbUrl);
    for (Path dir : dirs) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        failure = failure == null ? new UncheckedIOException(e) : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
