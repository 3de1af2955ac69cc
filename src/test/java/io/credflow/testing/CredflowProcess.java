package io.credflow.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Credflow as a real child process ({@code io.credflow.cli.Main serve}) on this JVM's java binary
 * and class path, on a fixed port so that it can be killed and started again at the same address.
 * Its output is appended to a log file. For crash tests: {@link #kill()} is {@code kill -9}.
 */
public final class CredflowProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final int port;
  private final Path dataDir;
  private final Map<String, String> env;
  private final Path log;
  private volatile Process process;
  private int starts;

  /**
   * @param env extra environment ({@code CREDFLOW_DB_URL}, {@code CREDFLOW_ADMIN_API_KEY}, ...);
   *     every other {@code CREDFLOW_*} variable of this JVM is removed
   */
  public CredflowProcess(int port, Path dataDir, Map<String, String> env, Path log) {
    this.port = port;
    this.dataDir = dataDir;
    this.env = Map.copyOf(env);
    this.log = log;
    // A test JVM that ends without closing this (a fork timeout, a kill) takes the child along.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  Process p = process;
                  if (p != null) {
                    p.destroyForcibly();
                  }
                },
                "credflow-process-reaper"));
  }

  /** A port that was free a moment ago. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public Path log() {
    return log;
  }

  /** How many times the process was started. */
  public int starts() {
    return starts;
  }

  /**
   * Appends the running process's thread dump ({@code jcmd PID Thread.print}, from the JDK that
   * runs the tests) to its log, for a look at what it was doing when a test gave up on it; does
   * nothing when it is not running or the JDK has no {@code jcmd}.
   */
  public void appendThreadDump(String why) {
    if (process == null || !process.isAlive()) {
      return;
    }
    Path jcmd =
        Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jcmd");
    if (!Files.isExecutable(jcmd)) {
      return;
    }
    try {
      Files.writeString(log, "---- thread dump: " + why + " ----\n", StandardOpenOption.APPEND);
      Process dump =
          new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      dump.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts the process (it must not be running). */
  public CredflowProcess start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("already running");
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xmx256m"));
    if (Runtime.version().feature() >= 23) {
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "io.credflow.cli.Main",
            "serve",
            "--port",
            Integer.toString(port),
            "--data",
            dataDir.toString(),
            "--allow-private-network"));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("CREDFLOW_"));
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      Files.writeString(
          log,
          "---- start " + (starts + 1) + " ----\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    starts++;
    return this;
  }

  /**
   * Waits until {@code GET /health} answers 200; fails with the log's tail when it dies or times
   * out.
   */
  public void awaitHealthy(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpRequest health =
        HttpRequest.newBuilder(URI.create(baseUrl() + "/health"))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Credflow exited with " + process.exitValue() + " before it was healthy:\n" + tail());
      }
      try {
        if (HTTP.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "Credflow was not healthy within " + timeout + " at " + baseUrl() + ":\n" + tail());
  }

  /** {@code kill -9} and wait for it to be gone. */
  public void kill() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("Credflow (pid " + process.pid() + ") did not die");
    }
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** The last lines of the log. */
  public String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /**
   * {@link #kill()}; an interrupt while waiting for the process to die stays set for the caller.
   */
  @Override
  public void close() {
    try {
      kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
