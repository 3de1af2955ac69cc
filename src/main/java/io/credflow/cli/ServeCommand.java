package io.credflow.cli;

import io.credflow.Config;
import io.credflow.Credflow;
import io.credflow.account.AccountService;
import io.credflow.common.CredflowException;
import io.credflow.logging.LogOutput;
import java.io.PrintStream;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.component.LifeCycle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code credflow serve}: runs the server until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the Credflow server.")
final class ServeCommand implements Callable<Integer> {
  @Mixin ConfigOptions options = new ConfigOptions();

  @Option(
      names = "--demo",
      description = "Seed a demo tenant, workspace, REST API V2 component and auth-clients")
  boolean demo;

  // For the launcher's training run (the JDK's ahead-of-time cache records the classes a start
  // and a first request load): start, answer one request, stop.
  @Option(names = "--exit-when-ready", hidden = true)
  boolean exitWhenReady;

  @Override
  public Integer call() throws InterruptedException {
    PrintStream out = System.out;
    Config config;
    try {
      config = options.toConfig(System.getenv(), demo);
    } catch (Config.InvalidConfigException e) {
      System.err.println("credflow: " + e.getMessage());
      return 2;
    }
    // Before anything else logs: every line of this process is in the chosen format.
    LogOutput.use(config.logFormat());
    long started = System.nanoTime();
    Credflow credflow;
    try {
      credflow = Credflow.start(config, Clock.systemUTC());
    } catch (CredflowException e) {
      System.err.println("credflow: cannot start: " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      System.err.println("credflow: cannot start: " + e.getMessage());
      return 1;
    }
    if (!exitWhenReady) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(credflow), "credflow-shutdown"));
    }
    out.printf(
        "Credflow listening on %s (started in %d ms)%n",
        credflow.localUrl(), (System.nanoTime() - started) / 1_000_000);
    out.printf("  public URL: %s%n", config.publicUrl());
    out.printf("  database:   %s%n", credflow.database().describe());
    out.printf("  keyset:     %s%n", config.keysetPath().toAbsolutePath());
    credflow
        .newAdminKey()
        .ifPresent(
            key -> {
              out.println();
              out.println("  First start: created the global admin admin@localhost.");
              if (config.adminApiKey().isEmpty()) {
                out.println("  Its API key (shown once, store it now): " + key.reveal());
              } else {
                out.println("  Its API key is the one in CREDFLOW_ADMIN_API_KEY.");
              }
            });
    credflow
        .adminSetupToken()
        .ifPresent(
            token -> {
              out.println();
              out.println("  The global admin admin@localhost has no console password yet.");
              out.println(
                  "  Set the admin's password (valid 24 h, once): "
                      + AccountService.setupLink(credflow.publicUrl(), token));
            });
    if (config.demo()) {
      new Demo(credflow, out).seed();
    }
    out.flush();
    if (exitWhenReady) {
      try (credflow) {
        return answersHealth(credflow) ? 0 : 1;
      }
    }
    new CountDownLatch(1).await();
    return 0;
  }

  /**
   * SIGTERM (or Ctrl-C): the graceful stop, then exit 0, not the JVM's 143 for a signal, since the
   * process stopped as it should; 1 when the stop itself failed.
   */
  private static void stop(Credflow credflow) {
    int status = 0;
    try {
      credflow.shutdown();
    } catch (RuntimeException e) {
      System.err.println("credflow: the stop failed: " + e.getMessage());
      status = 1;
    }
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(status);
  }

  /**
   * One GET of /health, on Jetty's client: Credflow's own outbound client is Jetty's too, so the
   * training run loads no HTTP client classes a normal start would not (the cache loads every class
   * it holds at each start).
   */
  private static boolean answersHealth(Credflow credflow) throws InterruptedException {
    HttpClient client = new HttpClient();
    try {
      client.start();
      return client.GET(credflow.localUrl() + "/health").getStatus() == 200;
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      System.err.println("credflow: the server did not answer on /health: " + e.getMessage());
      return false;
    } finally {
      LifeCycle.stop(client);
    }
  }
}
