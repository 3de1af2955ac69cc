import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The flow benchmark's driver, run by {@code bench/flows.sh} as its own JVM next to the measured
 * Credflow process(es): it is both the load (a closed loop of IN_FLIGHT runs started through {@code
 * POST /v2/workspaces/{ws}/flows/{id}/runs}) and the flow's upstream (a non-blocking Jetty handler
 * that answers each step with {@link BenchUpstream#BODY}), so that neither its CPU nor the
 * upstream's counts as the measured processes'.
 *
 * <p>The flow has three steps, each a GET with a JSONata url and one JSONata header (as the
 * executor benchmark's mode b): {@code "http://127.0.0.1:P/flow?step=K&n=" & $getPassthrough()
 * .trigger.n} and {@code X-Request-Id: $getPassthrough().trigger.id}, with a basic credential. A
 * run's slot is handed to a new run when the upstream has answered its third step (Credflow
 * records that result a moment later, so slightly more than IN_FLIGHT runs can exist at once).
 * Steps are counted at the upstream; the measured window follows a warm-up. At the end no new run
 * starts, the ones in flight are awaited, and the API's list of the flow's runs must show every
 * started run succeeded.
 *
 * <p>Environment: BENCH_SERVERS (base URLs, comma-separated; runs are spread over them),
 * BENCH_SERVER_PIDS (their pids, for their CPU), BENCH_ADMIN_KEY, BENCH_LABEL, BENCH_IN_FLIGHT
 * (64), BENCH_WARMUP_SECONDS (10), BENCH_SECONDS (30), BENCH_PG_URL and BENCH_PG_USER (when the
 * servers use PostgreSQL: its backends' CPU is measured too). Last line on stdout: {@code result
 * label=... steps_per_s=... cpu_us_per_step=... pg_us_per_step=... ok=true|false}.
 */
public class FlowBench {
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private static final Pattern ID = Pattern.compile("\"data\"\\s*:\\s*\\{[^{}]*?\"id\"\\s*:\\s*\"([^\"]+)\"");
  private static final int STEPS = 3;

  private static final LongAdder[] STEPS_SEEN = {new LongAdder(), new LongAdder(), new LongAdder()};
  private static final Map<Integer, CompletableFuture<Void>> WAITING = new ConcurrentHashMap<>();

  private static String adminKey;

  public static void main(String[] args) {
    int status;
    try {
      status = bench() ? 0 : 1;
    } catch (Throwable t) {
      System.out.println("FAILED: the flow benchmark stopped: " + t);
      t.printStackTrace(System.out);
      status = 2;
    }
    System.exit(status);
  }

  static boolean bench() throws Exception {
    List<String> servers = Arrays.asList(required("BENCH_SERVERS").split(","));
    List<String> pids = Arrays.asList(required("BENCH_SERVER_PIDS").split(","));
    adminKey = required("BENCH_ADMIN_KEY");
    String label = System.getenv().getOrDefault("BENCH_LABEL", "flows");
    int inFlight = intEnv("BENCH_IN_FLIGHT", 64);
    int warmup = intEnv("BENCH_WARMUP_SECONDS", 10);
    int seconds = intEnv("BENCH_SECONDS", 30);
    String pgUrl = System.getenv("BENCH_PG_URL");
    if (pgUrl != null && pgUrl.isBlank()) {
      pgUrl = null;
    }

    int port = upstream();
    String upstream = "http://127.0.0.1:" + port;
    String api = servers.get(0);
    String ws = fixtures(api);
    String flow = flow(api, ws, upstream);

    AtomicInteger next = new AtomicInteger();
    AtomicLong started = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    List<String> firstRefusals = java.util.Collections.synchronizedList(new ArrayList<>());
    var stop = new java.util.concurrent.atomic.AtomicBoolean();
    ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
    for (int c = 0; c < inFlight; c++) {
      String server = servers.get(c % servers.size());
      clients.submit(
          () -> {
            while (!stop.get()) {
              int n = next.getAndIncrement();
              CompletableFuture<Void> done = new CompletableFuture<>();
              WAITING.put(n, done);
              HttpResponse<String> r =
                  post(
                      server + "/v2/workspaces/" + ws + "/flows/" + flow + "/runs",
                      "{\"data\":{\"type\":\"run\",\"attributes\":{\"message\":{\"body\":{\"n\":"
                          + n
                          + ",\"id\":\"r-"
                          + n
                          + "\"}}}}}");
              if (r.statusCode() != 202) {
                WAITING.remove(n);
                refused.incrementAndGet();
                if (firstRefusals.size() < 3) {
                  firstRefusals.add(r.statusCode() + " " + r.body());
                }
                Thread.sleep(100);
                continue;
              }
              started.incrementAndGet();
              done.get(120, TimeUnit.SECONDS);
            }
            return null;
          });
    }

    Thread.sleep(warmup * 1000L);
    Sample s0 = Sample.take(pids, pgUrl);
    long t0 = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    Sample s1 = Sample.take(pids, pgUrl);
    long t1 = System.nanoTime();
    stop.set(true);
    clients.shutdown();
    boolean drained = clients.awaitTermination(120, TimeUnit.SECONDS);

    double secs = (t1 - t0) / 1e9;
    long steps = s1.steps - s0.steps;
    double stepsPerSecond = steps / secs;
    double serverCpuUs = (s1.serverTicks - s0.serverTicks) * 10_000.0 / steps;
    double jitCpuUs = (s1.jitTicks - s0.jitTicks) * 10_000.0 / steps;
    double pgCpuUs = pgUrl == null ? 0 : pgTicks(s0, s1) * 10_000.0 / steps;
    double selfCpuUs = (s1.selfTicks - s0.selfTicks) * 10_000.0 / steps;
    double machine = 100.0 * (s1.machineBusy - s0.machineBusy) / Math.max(1, s1.machineAll - s0.machineAll)
        * Runtime.getRuntime().availableProcessors();
    double measuredPct =
        ((s1.serverTicks - s0.serverTicks) + pgTicks(s0, s1) + (s1.selfTicks - s0.selfTicks))
            / secs;
    Map<String, Long> statuses = runStatuses(api, ws, flow);
    long total = started.get();
    boolean ok =
        drained
            && refused.get() == 0
            && statuses.getOrDefault("succeeded", 0L) == total
            && statuses.values().stream().mapToLong(Long::longValue).sum() == total
            && STEPS_SEEN[0].sum() == total
            && STEPS_SEEN[2].sum() == total;

    System.out.printf(
        "%s: %d process(es), %d runs in flight, %d s warm-up, %.1f s measured: %,d steps = %,.0f"
            + " steps/s (%,.0f runs/s)%n",
        label, servers.size(), inFlight, warmup, secs, steps, stepsPerSecond, stepsPerSecond / STEPS);
    System.out.printf(
        "%s: CPU per step: Credflow %.0f µs (of which its JIT compiler threads %.0f µs)%s, this"
            + " driver+upstream %.0f µs; machine busy %.0f %% of one core, others %.0f %%%n",
        label,
        serverCpuUs,
        jitCpuUs,
        pgUrl == null ? "" : String.format(", PostgreSQL %.0f µs", pgCpuUs),
        selfCpuUs,
        machine,
        Math.max(0, machine - measuredPct));
    System.out.printf(
        "%s: runs started %,d (refused %d%s), API says %s, upstream saw steps %d/%d/%d%s%n",
        label,
        total,
        refused.get(),
        firstRefusals.isEmpty() ? "" : ", first: " + firstRefusals,
        statuses,
        STEPS_SEEN[0].sum(),
        STEPS_SEEN[1].sum(),
        STEPS_SEEN[2].sum(),
        drained ? "" : "; runs still in flight after 120 s");
    System.out.printf(
        "result label=%s processes=%d steps_per_s=%.1f cpu_us_per_step=%.1f jit_us_per_step=%.1f"
            + " pg_us_per_step=%.1f machine_pct=%.0f ok=%s%n",
        label.replace(' ', '_'),
        servers.size(),
        stepsPerSecond,
        serverCpuUs,
        jitCpuUs,
        pgCpuUs,
        machine,
        ok);
    return ok;
  }

  /** CPU ticks of the PostgreSQL processes seen in both samples. */
  static long pgTicks(Sample a, Sample b) {
    long sum = 0;
    for (var e : b.pgTicks.entrySet()) {
      Long before = a.pgTicks.get(e.getKey());
      if (before != null) {
        sum += e.getValue() - before;
      }
    }
    return sum;
  }

  /** Counters at one moment: steps the upstream answered, CPU ticks, the machine's ticks. */
  record Sample(
      long steps,
      long serverTicks,
      long jitTicks,
      long selfTicks,
      Map<Long, Long> pgTicks,
      long machineBusy,
      long machineAll) {
    static Sample take(List<String> pids, String pgUrl) throws Exception {
      long server = 0;
      long jit = 0;
      for (String pid : pids) {
        server += ticks(pid.strip());
        jit += compilerTicks(pid.strip());
      }
      Map<Long, Long> pg = new TreeMap<>();
      if (pgUrl != null) {
        for (long pid : pgPids(pgUrl)) {
          pg.put(pid, ticks(Long.toString(pid)));
        }
      }
      long[] m = machineTicks();
      long steps = 0;
      for (LongAdder a : STEPS_SEEN) {
        steps += a.sum();
      }
      return new Sample(steps, server, jit, ticks("self"), pg, m[0], m[1]);
    }
  }

  /**
   * The backends of the benchmark's database and the server-wide writers (WAL writer,
   * checkpointer, background writer), as pg_stat_activity lists them.
   */
  static Set<Long> pgPids(String url) throws Exception {
    Set<Long> pids = new HashSet<>();
    try (Connection c =
            DriverManager.getConnection(
                url, System.getenv().getOrDefault("BENCH_PG_USER", "postgres"), null);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT pid FROM pg_stat_activity WHERE (datname = current_database()"
                    + " AND pid <> pg_backend_pid()) OR backend_type IN ('walwriter',"
                    + " 'checkpointer', 'background writer')")) {
      while (rs.next()) {
        pids.add(rs.getLong(1));
      }
    }
    return pids;
  }

  /** utime + stime of /proc/{pid}/stat in clock ticks (1/100 s), or 0. */
  static long ticks(String pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (Exception e) {
      return 0;
    }
  }

  /** CPU ticks of the JIT compiler threads of process {@code pid} (C1, C2 CompilerThreadN). */
  static long compilerTicks(String pid) {
    long sum = 0;
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
          }
        } catch (Exception e) {
          // The thread ended meanwhile.
        }
      }
    } catch (Exception e) {
      return 0;
    }
    return sum;
  }

  static long[] machineTicks() throws Exception {
    String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
    long busy = 0;
    long all = 0;
    for (int i = 1; i <= 8; i++) {
      long v = Long.parseLong(f[i]);
      all += v;
      if (i != 4 && i != 5) {
        busy += v;
      }
    }
    return new long[] {busy, all};
  }

  /**
   * The upstream: {@code /flow?step=K&n=N} answers 200 with the 200-byte body; the third step's
   * answer, once written, hands its run's slot to a new run.
   */
  static int upstream() throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setAcceptQueueSize(1024);
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract.NonBlocking() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            String query = request.getHttpURI().getQuery();
            int step = param(query, "step");
            int n = param(query, "n");
            if (!"/flow".equals(request.getHttpURI().getPath()) || step < 1 || step > STEPS) {
              response.setStatus(404);
              response.write(true, null, callback);
              return true;
            }
            STEPS_SEEN[step - 1].increment();
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, (long) BenchUpstream.BODY.length);
            Callback then = callback;
            if (step == STEPS) {
              then =
                  Callback.from(
                      () -> {
                        callback.succeeded();
                        CompletableFuture<Void> done = WAITING.remove(n);
                        if (done != null) {
                          done.complete(null);
                        }
                      },
                      callback::failed);
            }
            response.write(true, ByteBuffer.wrap(BenchUpstream.BODY), then);
            return true;
          }
        });
    server.start();
    return connector.getLocalPort();
  }

  static int param(String query, String name) {
    if (query == null) {
      return -1;
    }
    for (String pair : query.split("&")) {
      if (pair.startsWith(name + "=")) {
        try {
          return Integer.parseInt(pair.substring(name.length() + 1));
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }

  /** Tenant, contract, workspace, REST API V2 component, basic auth-client and credential. */
  static String fixtures(String api) throws Exception {
    String tenant =
        create(api, "/v2/tenants", "{\"data\":{\"type\":\"tenant\",\"attributes\":{\"name\":\"t\"}}}");
    String contract =
        create(
            api,
            "/v2/contracts",
            "{\"data\":{\"type\":\"contract\",\"attributes\":{\"name\":\"c\"},\"relationships\":"
                + rel("tenant", tenant)
                + "}}");
    String ws =
        create(
            api,
            "/v2/workspaces",
            "{\"data\":{\"type\":\"workspace\",\"attributes\":{\"name\":\"w\"},\"relationships\":"
                + rel("contract", contract)
                + "}}");
    component =
        create(
            api,
            "/v2/components",
            "{\"data\":{\"type\":\"component\",\"attributes\":{\"name\":\"REST API V2\","
                + "\"descriptor\":{\"title\":\"REST API V2\",\"authClientTypes\":[\"basic\"]}},"
                + "\"relationships\":"
                + rel("tenant", tenant)
                + "}}");
    String client =
        create(
            api,
            "/v2/auth-clients",
            "{\"data\":{\"type\":\"auth-client\",\"attributes\":{\"type\":\"basic\",\"name\":\"b\","
                + "\"credentials\":{\"name\":\"bench-user\"}},\"relationships\":{\"components\":"
                + "{\"data\":[{\"id\":\""
                + component
                + "\",\"type\":\"component\"}]},\"tenant\":{\"data\":{\"id\":\""
                + tenant
                + "\",\"type\":\"tenant\"}}}}}");
    credential =
        create(
            api,
            "/v2/workspaces/" + ws + "/credentials",
            "{\"data\":{\"type\":\"credential\",\"attributes\":{\"name\":\"bench\",\"credentials\":"
                + "{\"username\":\"u\",\"password\":\"p\"}},\"relationships\":{\"auth_client\":"
                + "{\"data\":{\"id\":\""
                + client
                + "\",\"type\":\"auth-client\"}}}}}");
    return ws;
  }

  private static String component;
  private static String credential;

  /** The active 3-step flow with a manual trigger. */
  static String flow(String api, String ws, String upstream) throws Exception {
    StringBuilder steps = new StringBuilder();
    for (int k = 1; k <= STEPS; k++) {
      if (k > 1) {
        steps.append(',');
      }
      String url =
          "\\\"" + upstream + "/flow?step=" + k + "&n=\\\" & $getPassthrough().trigger.n";
      steps.append(
          "{\"id\":\"s"
              + k
              + "\",\"name\":\"Step "
              + k
              + "\",\"component\":{\"id\":\""
              + component
              + "\"},\"function\":\"httpRequest\",\"credential\":{\"id\":\""
              + credential
              + "\"},\"config\":{\"reader\":{\"method\":\"GET\",\"url\":\""
              + url
              + "\",\"headers\":[{\"key\":\"X-Request-Id\",\"value\":"
              + "\"$getPassthrough().trigger.id\"}]}}}");
    }
    return create(
        api,
        "/v2/workspaces/" + ws + "/flows",
        "{\"data\":{\"type\":\"flow\",\"attributes\":{\"name\":\"bench\",\"status\":\"active\","
            + "\"trigger\":{\"type\":\"manual\"},\"steps\":["
            + steps
            + "]}}}");
  }

  /** Every run of the flow by status, read through the API's paged list. */
  static Map<String, Long> runStatuses(String api, String ws, String flow) throws Exception {
    Map<String, Long> counts = new TreeMap<>();
    String path = "/v2/workspaces/" + ws + "/flows/" + flow + "/runs?page%5Bsize%5D=500";
    Pattern status = Pattern.compile("\"status\"\\s*:\\s*\"([a-z_]+)\"");
    Pattern nextLink = Pattern.compile("\"next\"\\s*:\\s*\"([^\"]+)\"");
    while (path != null) {
      HttpResponse<String> r = get(path.startsWith("http") ? path : api + path);
      if (r.statusCode() != 200) {
        throw new IllegalStateException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
      }
      // Each run's own status attribute; its steps' statuses are not in the list.
      Matcher m = status.matcher(r.body());
      while (m.find()) {
        counts.merge(m.group(1), 1L, Long::sum);
      }
      Matcher n = nextLink.matcher(r.body());
      path = n.find() ? n.group(1).replace("\\u0026", "&") : null;
    }
    return counts;
  }

  static String rel(String type, String id) {
    return "{\"" + type + "\":{\"data\":{\"id\":\"" + id + "\",\"type\":\"" + type + "\"}}}";
  }

  static String create(String api, String path, String body) throws Exception {
    HttpResponse<String> r = post(api + path, body);
    if (r.statusCode() != 201) {
      throw new IllegalStateException("POST " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    Matcher m = ID.matcher(r.body());
    if (!m.find()) {
      throw new IllegalStateException("POST " + path + ": no data.id in " + r.body());
    }
    return m.group(1);
  }

  static HttpResponse<String> post(String url, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + adminKey)
            .header("Content-Type", "application/vnd.api+json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + adminKey)
            .header("Accept", "application/vnd.api+json")
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String required(String name) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(name + " must be set (run bench/flows.sh)");
    }
    return v;
  }

  static int intEnv(String name, int fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : Integer.parseInt(v.strip());
  }
}
