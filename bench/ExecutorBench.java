import com.fasterxml.jackson.databind.ObjectMapper;
import io.credflow.Config;
import io.credflow.Credflow;
import io.credflow.authclient.AuthClientService;
import io.credflow.authclient.SettingsParser;
import io.credflow.common.Secret;
import io.credflow.component.AuthClientType;
import io.credflow.component.DescriptorParser;
import io.credflow.credential.CredentialInput;
import io.credflow.credential.CredentialService;
import io.credflow.executor.Expression;
import io.credflow.executor.Message;
import io.credflow.executor.RequestResult;
import io.credflow.executor.RequestSpec;
import io.credflow.executor.ResponseDecoder;
import io.credflow.executor.ResponseEncoding;
import io.credflow.executor.RestApiAction;
import io.credflow.executor.SpecParser;
import io.credflow.tenancy.Caller;
import io.credflow.tenancy.Level;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The request-executor benchmark: the same local upstream (another process, {@link BenchUpstream})
 * called by N concurrent callers (virtual threads, closed loop) in four modes, one after the other
 * in this JVM:
 *
 * <ul>
 *   <li>a1: a bare {@code java.net.http.HttpClient} sending a fixed bearer header;
 *   <li>a2: a bare Jetty {@code HttpClient} (the class the executor uses), same request;
 *   <li>b: {@link RestApiAction#execute} in-process with an OAuth2 credential, a JSONata url and a
 *       JSONata header, a different message per call;
 *   <li>c: the same through {@code POST /v2/workspaces/{ws}/requests} of this process's API.
 * </ul>
 *
 * <p>Every mode sends the upstream the same request ({@code GET /items?page=<i>}, {@code
 * X-Request-Id: r-<i>}, {@code Authorization: Bearer ...}). Per mode: a warm-up that is not
 * counted, then the measured requests; latencies are kept one by one (exact percentiles), CPU time
 * is the process's (user + system) over the measured phase.
 *
 * <p>Run with {@code bash bench/executor.sh} (builds the jar, starts the upstream, passes the
 * settings). Environment: BENCH_UPSTREAM_PORT (required), BENCH_UPSTREAM_PID (to report its CPU),
 * BENCH_REQUESTS (200000), BENCH_WARMUP (20000), BENCH_CALLERS (64), BENCH_MODES (a1,a2,b,c).
 */
public class ExecutorBench {
  static final String ADMIN_KEY = "bench-admin-key-0123456789abcdef";
  static final String ACCESS_TOKEN = "at-executor-bench-0123456789";
  static final String FIXED_BEARER = "Bearer " + ACCESS_TOKEN;
  static final ObjectMapper JSON = new ObjectMapper();

  /** One request of a mode; true when it got what it should (a 200 from the upstream). */
  @FunctionalInterface
  interface Call {
    boolean call(int i) throws Exception;
  }

  record Mode(String name, String what, Call call) {}

  record Run(
      String name,
      String what,
      int requests,
      double seconds,
      long[] sortedNanos,
      long cpuNanos,
      long userTicks,
      long sysTicks,
      long upstreamTicks,
      double machineBusyPct,
      long gcCount,
      long gcMillis,
      long allocatedBytes,
      long failures,
      List<String> firstFailures) {
    double rps() {
      return requests / seconds;
    }

    double pMillis(double p) {
      int idx = (int) Math.ceil(p * sortedNanos.length) - 1;
      return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, idx))] / 1e6;
    }

    double maxMillis() {
      return sortedNanos[sortedNanos.length - 1] / 1e6;
    }

    /** CPU use of everything but this process and the upstream, in % of one core. */
    double othersPct() {
      return machineBusyPct - 100.0 * cpuNanos / 1e9 / seconds - upstreamTicks / seconds;
    }

    double cpuMicrosPerRequest() {
      return cpuNanos / 1e3 / requests;
    }
  }

  /**
   * Exit status 0 when every request got its 200, 1 when some did not, 2 when the benchmark itself
   * failed (Credflow's and Jetty's threads would otherwise keep the JVM alive).
   */
  public static void main(String[] args) {
    int status;
    try {
      status = bench() ? 1 : 0;
    } catch (Throwable t) {
      System.out.println("FAILED: the benchmark stopped: " + t);
      t.printStackTrace(System.out);
      status = 2;
    }
    System.exit(status);
  }

  /** Runs the modes and prints the report; true when a request failed. */
  static boolean bench() throws Exception {
    int upstreamPort = Integer.parseInt(required("BENCH_UPSTREAM_PORT"));
    long upstreamPid = Long.parseLong(System.getenv().getOrDefault("BENCH_UPSTREAM_PID", "-1"));
    int requests = intEnv("BENCH_REQUESTS", 200_000);
    int warmup = intEnv("BENCH_WARMUP", 20_000);
    int callers = intEnv("BENCH_CALLERS", 64);
    List<String> modes =
        Arrays.asList(System.getenv().getOrDefault("BENCH_MODES", "a1,a2,b,c").split(","));
    String upstream = "http://127.0.0.1:" + upstreamPort;

    printEnvironment(requests, warmup, callers, upstream, upstreamPid);

    // Credflow in this process, on H2 in a fresh data dir, with an OAuth2 credential.
    Path data = Files.createTempDirectory("credflow-executor-bench");
    Credflow credflow =
        Credflow.start(
            Config.builder()
                .port("0")
                .dataDir(data.toString())
                .allowPrivateNetwork(true)
                .adminApiKey(ADMIN_KEY)
                // One key sends every request: the per-key limit would throttle the load itself.
                .rateLimit("0")
                .build(),
            Clock.systemUTC());
    var s = credflow.services();
    Caller admin = s.tenancy().bootstrapAdminCaller();
    var tenant = s.tenancy().createTenant(admin, "bench");
    var contract = s.tenancy().createContract(admin, tenant.id(), "bench");
    var ws = s.tenancy().createWorkspace(admin, contract.id(), "bench");
    var component =
        s.components()
            .create(
                admin,
                "REST API V2",
                Level.TENANT,
                tenant.id(),
                DescriptorParser.parse(
                    Map.of("title", "REST API V2", "authClientTypes", List.of("oauth2")),
                    "descriptor"));
    var authClient =
        s.authClients()
            .create(
                admin,
                new AuthClientService.NewAuthClient(
                    "bench oauth2",
                    SettingsParser.parse(
                        AuthClientType.OAUTH2,
                        Map.of(
                            "client_id",
                            "bench",
                            "client_secret",
                            "bench-secret",
                            "auth_uri",
                            upstream + "/authorize",
                            "token_uri",
                            upstream + "/token"),
                        "credentials"),
                    List.of(component.id()),
                    Optional.of(Level.TENANT),
                    Optional.of(tenant.id())))
            .authClient();
    String credentialId =
        s.credentials()
            .create(
                admin,
                ws.id(),
                new CredentialService.NewCredential(
                    "bench-oauth2",
                    authClient.id(),
                    Optional.empty(),
                    (settings, stored) ->
                        new CredentialInput.Tokens(
                            Secret.of(ACCESS_TOKEN),
                            Optional.of(Secret.of("rt-executor-bench")),
                            86_400,
                            Optional.empty())))
            .credential()
            .id();
    RestApiAction action = s.requests();
    String api = "http://127.0.0.1:" + credflow.port();

    Map<String, Object> config = config(upstream + "/items");
    RequestSpec spec = SpecParser.parse(config, "/config");
    checkWire(action, admin, ws.id(), credentialId, upstream);

    // The bare clients, made plainly.
    java.net.http.HttpClient jdk =
        java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .build();
    org.eclipse.jetty.client.HttpClient jetty = new org.eclipse.jetty.client.HttpClient();
    jetty.setMaxConnectionsPerDestination(1024);
    jetty.start();

    Call a1 =
        i -> {
          HttpRequest request =
              HttpRequest.newBuilder(URI.create(upstream + "/items?page=" + i))
                  .header("Authorization", FIXED_BEARER)
                  .header("X-Request-Id", "r-" + i)
                  .GET()
                  .build();
          return jdk.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode() == 200;
        };
    Call a2 =
        i -> {
          ContentResponse response =
              jetty
                  .newRequest(URI.create(upstream + "/items?page=" + i))
                  .headers(
                      h ->
                          h.put(HttpHeader.AUTHORIZATION, FIXED_BEARER)
                              .put("X-Request-Id", "r-" + i))
                  .send();
          return response.getStatus() == 200;
        };
    Call b =
        i -> {
          RequestResult result =
              action.execute(
                  admin,
                  ws.id(),
                  credentialId,
                  spec,
                  Message.of(Map.of("page", i), Map.of("id", "r-" + i)));
          return result.statusCode() == 200;
        };

    List<Run> runs = new ArrayList<>();
    List<Mode> chosen = new ArrayList<>();
    // c is sent by the bare Jetty client: the faster of the two bare clients in every run so far.
    String ref = "a2";
    for (String m : modes) {
      if (m.strip().equals("parts")) {
        parts(
            intEnv("BENCH_PARTS_REQUESTS", 20_000),
            upstream,
            s,
            admin,
            ws.id(),
            credentialId,
            config,
            spec,
            jetty);
        continue;
      }
      Mode mode =
          switch (m.strip()) {
            case "a1" -> new Mode("a1", "bare java.net.http.HttpClient", a1);
            case "a2" -> new Mode("a2", "bare Jetty HttpClient", a2);
            case "b" -> new Mode("b", "executor in-process (RestApiAction)", b);
            case "c" -> {
              // Through the API, sent by the faster bare client (the reference of the ratios).
              boolean viaJdk = ref != null && ref.equals("a1");
              String path = api + "/v2/workspaces/" + ws.id() + "/requests";
              String head =
                  "{\"data\":{\"type\":\"request\",\"attributes\":{\"config\":"
                      + JSON.writeValueAsString(config)
                      + ",\"message\":{\"body\":{\"page\":";
              String tail =
                  "\"}}},\"relationships\":{\"credential\":{\"data\":{\"type\":\"credential\",\"id\":\""
                      + credentialId
                      + "\"}}}}}";
              Call c =
                  viaJdk
                      ? i -> {
                        HttpRequest request =
                            HttpRequest.newBuilder(URI.create(path))
                                .header("Authorization", "Bearer " + ADMIN_KEY)
                                .header("Content-Type", "application/vnd.api+json")
                                .POST(
                                    HttpRequest.BodyPublishers.ofString(
                                        head + i + "},\"passthrough\":{\"id\":\"r-" + i + tail))
                                .build();
                        HttpResponse<String> response =
                            jdk.send(request, HttpResponse.BodyHandlers.ofString());
                        return okResult(response.statusCode(), response.body());
                      }
                      : i -> {
                        ContentResponse response =
                            jetty
                                .newRequest(URI.create(path))
                                .method("POST")
                                .headers(
                                    h -> h.put(HttpHeader.AUTHORIZATION, "Bearer " + ADMIN_KEY))
                                .body(
                                    new BytesRequestContent(
                                        "application/vnd.api+json",
                                        (head + i + "},\"passthrough\":{\"id\":\"r-" + i + tail)
                                            .getBytes(StandardCharsets.UTF_8)))
                                .send();
                        return okResult(response.getStatus(), response.getContentAsString());
                      };
              yield new Mode(
                  "c",
                  "POST /v2/workspaces/{ws}/requests (sent with "
                      + (viaJdk ? "java.net.http" : "Jetty")
                      + ")",
                  c);
            }
            default -> throw new IllegalArgumentException("unknown mode " + m + " (a1,a2,b,c)");
          };
      chosen.add(mode);
    }
    // Every mode is warmed up before any is measured, so that no mode pays for compiling code
    // (the JIT's CPU counts as the process's) that another mode already warmed: the order of the
    // modes would otherwise decide the figures.
    List<Warmed> warmed = new ArrayList<>();
    for (Mode mode : chosen) {
      warmed.add(warm(mode, warmup, callers));
    }
    for (int i = 0; i < chosen.size(); i++) {
      Run run = run(chosen.get(i), warmup, warmed.get(i), requests, callers, upstreamPid);
      runs.add(run);
      printRun(run);
    }

    boolean failed = report(runs, callers);
    jetty.stop();
    credflow.close();
    return failed;
  }

  /**
   * A diagnostic, not one of the modes (BENCH_MODES=parts): the CPU of the executor's steps
   * one at a time, on one thread, n times each after n/4 warm-up calls, to see where mode b's CPU
   * goes. Process CPU over the loop, so the Jetty threads count for the steps that send.
   */
  static void parts(
      int n,
      String upstream,
      Credflow.Services s,
      Caller admin,
      String ws,
      String credential,
      Map<String, Object> config,
      RequestSpec spec,
      org.eclipse.jetty.client.HttpClient jetty)
      throws Exception {
    Expression url =
        Expression.compile((String) ((Map<?, ?>) config.get("reader")).get("url"), "/u");
    Expression header = Expression.compile("$getPassthrough().id", "/h");
    URI target = URI.create(upstream + "/items?page=1");
    Map<String, Call> steps = new LinkedHashMap<>();
    steps.put(
        "RequestAuthorities.forRequest (lookups, decrypt)",
        i -> s.requestAuthorities().forRequest(admin, ws, credential) != null);
    byte[] sealed =
        s.keyring()
            .encrypt(
                ("{\"access_token\":\""
                        + ACCESS_TOKEN
                        + "\",\"refresh_token\":\"rt-executor-bench\"}")
                    .getBytes(StandardCharsets.UTF_8),
                "credentials/id/secrets".getBytes(StandardCharsets.UTF_8));
    steps.put(
        "  of which Keyring.decrypt (AES-GCM, 80 bytes)",
        i ->
            s.keyring().decrypt(sealed, "credentials/id/secrets".getBytes(StandardCharsets.UTF_8))
                != null);
    steps.put(
        "Message.of + url and header JSONata",
        i -> {
          Message m = Message.of(Map.of("page", i), Map.of("id", "r-" + i));
          return url.evaluate(m.input(), m.passthrough(), "/u") != null
              && header.evaluate(m.input(), m.passthrough(), "/h") != null;
        });
    steps.put(
        "URI.create + OutboundPolicy.checkUrl",
        i -> {
          s.outbound().policy().checkUrl(URI.create(upstream + "/items?page=" + i));
          return true;
        });
    steps.put(
        "ResponseDecoder.decode (the 200-byte JSON)",
        i ->
            ResponseDecoder.decode(BenchUpstream.BODY, "application/json", ResponseEncoding.UTF8)
                != null);
    steps.put("SpecParser.parse (mode c, per call)", i -> SpecParser.parse(config, "/c") != null);
    steps.put(
        "bare Jetty send, one caller",
        i ->
            jetty
                    .newRequest(target)
                    .headers(h -> h.put(HttpHeader.AUTHORIZATION, FIXED_BEARER))
                    .send()
                    .getStatus()
                == 200);
    steps.put(
        "RestApiAction.execute, one caller",
        i ->
            s.requests()
                    .execute(
                        admin,
                        ws,
                        credential,
                        spec,
                        Message.of(Map.of("page", i), Map.of("id", "r-" + i)))
                    .statusCode()
                == 200);
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    System.out.printf(
        "%nparts: CPU per call, one thread, %,d calls each after %,d warm-up%n", n, n / 4);
    for (Map.Entry<String, Call> step : steps.entrySet()) {
      for (int i = 0; i < n / 4; i++) {
        step.getValue().call(i);
      }
      long alloc0 = allocated();
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        if (!step.getValue().call(i)) {
          throw new IllegalStateException(step.getKey() + " failed at call " + i);
        }
      }
      long t1 = System.nanoTime();
      long cpu1 = os.getProcessCpuTime();
      long alloc1 = allocated();
      System.out.printf(
          "  %-50s %8.1f µs CPU %8.1f µs wall %8.1f KB allocated%n",
          step.getKey(),
          (cpu1 - cpu0) / 1e3 / n,
          (t1 - t0) / 1e3 / n,
          (alloc1 - alloc0) / 1024.0 / n);
    }
  }

  /** The request configuration of modes b and c: a JSONata url and one JSONata header. */
  static Map<String, Object> config(String url) {
    Map<String, Object> reader = new LinkedHashMap<>();
    reader.put("method", "GET");
    reader.put("url", "\"" + url + "?page=\" & body.page");
    reader.put("headers", List.of(Map.of("key", "X-Request-Id", "value", "$getPassthrough().id")));
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("reader", reader);
    config.put("errorPolicy", "byComponent");
    config.put("maxRetries", 3);
    config.put("requestTimeoutPeriod", 60000);
    return config;
  }

  /** Once, before measuring: the executor sends what the spec says, with the bearer token. */
  static void checkWire(
      RestApiAction action, Caller admin, String ws, String credential, String upstream) {
    RequestResult echo =
        action.execute(
            admin,
            ws,
            credential,
            SpecParser.parse(config(upstream + "/echo"), "/config"),
            Message.of(Map.of("page", 7), Map.of("id", "r-7")));
    Map<String, Object> expected = Map.of("query", "page=7", "requestId", "r-7", "bearer", true);
    if (echo.statusCode() != 200 || !expected.equals(echo.responseBody())) {
      throw new IllegalStateException(
          "the executor did not send the expected request: upstream saw "
              + echo.responseBody()
              + " (status "
              + echo.statusCode()
              + "), expected "
              + expected);
    }
  }

  /** A 200 from the API whose request-result says the upstream answered 200. */
  static boolean okResult(int status, String body) {
    return status == 200 && body.contains("\"statusCode\":200");
  }

  /** A warm-up's failures, counted with the measured phase's: every answer must be a 200. */
  record Warmed(long failed, List<String> failures) {}

  static Warmed warm(Mode mode, int warmup, int callers) throws InterruptedException {
    System.out.printf("%s: %s: warm-up %,d requests ...%n", mode.name(), mode.what(), warmup);
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    long failed = phase(mode.call(), 0, warmup, callers, null, failures);
    if (failed > 0) {
      System.out.printf(
          "%s: %d of %d warm-up requests failed, first: %s%n",
          mode.name(), failed, warmup, failures);
    }
    return new Warmed(failed, failures);
  }

  /** The measured phase of {@code mode}; its request numbers start after the warm-up's. */
  static Run run(
      Mode mode, int warmup, Warmed warmed, int requests, int callers, long upstreamPid)
      throws InterruptedException {
    long warmupFailed = warmed.failed();
    List<String> warmupFailures = warmed.failures();
    long[] nanos = new long[requests];
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long[] gc0 = gc();
    long alloc0 = allocated();
    long[] self0 = procTicks("self");
    long[] up0 = upstreamPid > 0 ? procTicks(Long.toString(upstreamPid)) : new long[] {0, 0};
    long[] machine0 = machineTicks();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    long failed = phase(mode.call(), warmup, requests, callers, nanos, failures);
    long t1 = System.nanoTime();
    long cpu1 = os.getProcessCpuTime();
    long[] machine1 = machineTicks();
    long[] up1 = upstreamPid > 0 ? procTicks(Long.toString(upstreamPid)) : new long[] {0, 0};
    long[] self1 = procTicks("self");
    long[] gc1 = gc();
    long alloc1 = allocated();
    Arrays.sort(nanos);
    double busy =
        machine1[1] > machine0[1]
            ? 100.0
                * Runtime.getRuntime().availableProcessors()
                * (machine1[0] - machine0[0])
                / (machine1[1] - machine0[1])
            : Double.NaN;
    return new Run(
        mode.name(),
        mode.what(),
        requests,
        (t1 - t0) / 1e9,
        nanos,
        cpu1 - cpu0,
        self1[0] - self0[0],
        self1[1] - self0[1],
        (up1[0] + up1[1]) - (up0[0] + up0[1]),
        busy,
        gc1[0] - gc0[0],
        gc1[1] - gc0[1],
        alloc1 < 0 || alloc0 < 0 ? -1 : alloc1 - alloc0,
        failed + warmupFailed,
        failures.isEmpty() ? warmupFailures : failures);
  }

  /**
   * {@code total} requests numbered from {@code first}, taken one by one by {@code callers} virtual
   * threads, each sending its next request when the previous one is done; returns the failures.
   */
  static long phase(
      Call call, int first, int total, int callers, long[] nanos, List<String> failures)
      throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    LongAdder failed = new LongAdder();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < callers; c++) {
        threads.submit(
            () -> {
              int n;
              while ((n = next.getAndIncrement()) < total) {
                long start = System.nanoTime();
                boolean ok;
                String why = null;
                try {
                  ok = call.call(first + n);
                  if (!ok) {
                    why = "not a 200";
                  }
                } catch (Exception | Error e) {
                  ok = false;
                  why = e.toString();
                }
                long took = System.nanoTime() - start;
                if (nanos != null) {
                  nanos[n] = took;
                }
                if (!ok) {
                  failed.increment();
                  if (failures.size() < 5) {
                    failures.add(why);
                  }
                }
              }
            });
      }
    }
    return failed.sum();
  }

  static void printEnvironment(
      int requests, int warmup, int callers, String upstream, long upstreamPid) {
    var rt = ManagementFactory.getRuntimeMXBean();
    System.out.printf(
        "JVM:      %s %s (%s), %s%n",
        System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"),
        System.getProperty("java.vm.vendor"),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    System.out.printf(
        "cores:    %d (availableProcessors), max heap %d MiB%n",
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() / (1024 * 1024));
    System.out.printf("options:  %s%n", String.join(" ", rt.getInputArguments()));
    System.out.printf(
        "load:     %,d measured requests per mode after %,d warm-up, %d concurrent callers"
            + " (virtual threads, closed loop)%n",
        requests, warmup, callers);
    System.out.printf(
        "upstream: %s (separate process%s), GET /items, ~200-byte JSON answer%n",
        upstream, upstreamPid > 0 ? " pid " + upstreamPid : "");
    System.out.println();
  }

  static void printRun(Run r) {
    System.out.printf(
        "%s: %,d requests in %.2f s = %,.0f req/s, p50 %.3f ms, p99 %.3f ms, max %.1f ms,"
            + " CPU %.1f µs/req, non-200 %d%n",
        r.name(),
        r.requests(),
        r.seconds(),
        r.rps(),
        r.pMillis(0.50),
        r.pMillis(0.99),
        r.maxMillis(),
        r.cpuMicrosPerRequest(),
        r.failures());
    if (r.failures() > 0) {
      System.out.printf("%s: FAILED requests, first: %s%n", r.name(), r.firstFailures());
    }
  }

  /** The table, the ratios and the targets; true when a request failed. */
  static boolean report(List<Run> runs, int callers) {
    System.out.println();
    System.out.printf(
        "%-4s %-50s %9s %7s %9s %8s %8s %8s %10s %9s %8s %8s %7s %7s %9s %9s %7s%n",
        "mode",
        "what",
        "requests",
        "seconds",
        "req/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "cpu µs/req",
        "user/sys",
        "upst µs",
        "machine",
        "others",
        "GCs",
        "GC ms",
        "KB/req",
        "non-200");
    for (Run r : runs) {
      long ticks = r.userTicks() + r.sysTicks();
      System.out.printf(
          "%-4s %-50s %9d %7.2f %9.0f %8.3f %8.3f %8.1f %10.1f %4.0f/%-4.0f %8.1f %7.0f%% %6.0f%%"
              + " %7d %9d %9.1f %7d%n",
          r.name(),
          r.what(),
          r.requests(),
          r.seconds(),
          r.rps(),
          r.pMillis(0.50),
          r.pMillis(0.99),
          r.maxMillis(),
          r.cpuMicrosPerRequest(),
          ticks == 0 ? 0.0 : 100.0 * r.userTicks() / ticks,
          ticks == 0 ? 0.0 : 100.0 * r.sysTicks() / ticks,
          r.upstreamTicks() * 10_000.0 / r.requests(),
          r.machineBusyPct(),
          r.othersPct(),
          r.gcCount(),
          r.gcMillis(),
          r.allocatedBytes() < 0 ? Double.NaN : r.allocatedBytes() / 1024.0 / r.requests(),
          r.failures());
    }
    System.out.println(
        "(cpu µs/req: this process's user+system CPU over the measured phase / requests; user/sys:"
            + " its split in %;");
    System.out.println(
        " upst µs: the upstream process's CPU per request; machine: whole-machine CPU use in % of"
            + " one core;");
    System.out.println(
        " others: the machine's CPU use minus this process and the upstream, should be near 0;");
    System.out.println(
        " GCs, GC ms: collections and their pause time in the phase; KB/req: heap allocated per"
            + " request)");

    Map<String, Run> by = new LinkedHashMap<>();
    runs.forEach(r -> by.put(r.name(), r));
    Optional<Run> ref =
        runs.stream()
            .filter(r -> r.name().startsWith("a"))
            .max(java.util.Comparator.comparingDouble(Run::rps));
    System.out.println();
    if (ref.isPresent()) {
      Run a = ref.get();
      System.out.printf(
          "reference a = %s (%s), the faster bare client: %,.0f req/s, p99 %.3f ms%n",
          a.name(), a.what(), a.rps(), a.pMillis(0.99));
      List<Run> bares = runs.stream().filter(r -> r.name().startsWith("a")).toList();
      for (String x : List.of("b", "c")) {
        Run r = by.get(x);
        if (r == null) {
          continue;
        }
        double target = x.equals("b") ? 0.95 : 0.40;
        double ratio = r.rps() / a.rps();
        StringBuilder each = new StringBuilder();
        for (Run bare : bares) {
          each.append(String.format("  %s/%s = %.3f", x, bare.name(), r.rps() / bare.rps()));
        }
        System.out.printf(
            "%s/a  = %.3f  (target >= %.2f)  %s   [%s]%n",
            x, ratio, target, ratio >= target ? "PASS" : "MISS", each.toString().strip());
      }
      Run b = by.get("b");
      if (b != null) {
        double added = b.pMillis(0.99) - a.pMillis(0.99);
        StringBuilder each = new StringBuilder();
        for (Run bare : bares) {
          each.append(
              String.format(
                  "  vs %s: %+.3f ms", bare.name(), b.pMillis(0.99) - bare.pMillis(0.99)));
        }
        System.out.printf(
            "p99 added by b = p99(b) - p99(a) = %.3f - %.3f = %+.3f ms  (target < 1 ms)  %s  "
                + " [%s]%n",
            b.pMillis(0.99),
            a.pMillis(0.99),
            added,
            added < 1.0 ? "PASS" : "MISS",
            each.toString().strip());
      }
    }
    Run b = by.get("b");
    if (b != null) {
      System.out.printf(
          "CPU per request of b = %.1f µs  (target < 200 µs, JSONata url + one JSONata header) "
              + " %s%n",
          b.cpuMicrosPerRequest(), b.cpuMicrosPerRequest() < 200 ? "PASS" : "MISS");
    }
    // The API layer's own CPU: c sends through the API (its load generator costs what a2's does)
    // and runs the executor (b's cost) behind it; what is left is the server's HTTP, routing,
    // authentication, JSON:API parsing and writing.
    Run c = by.get("c");
    Run a2 = by.get("a2");
    if (b != null && c != null && a2 != null) {
      double api = c.cpuMicrosPerRequest() - b.cpuMicrosPerRequest() - a2.cpuMicrosPerRequest();
      System.out.printf(
          "API layer CPU per request = c - b - a2 = %.1f - %.1f - %.1f = %.1f µs  (target <= 100 µs)"
              + "  %s%n",
          c.cpuMicrosPerRequest(),
          b.cpuMicrosPerRequest(),
          a2.cpuMicrosPerRequest(),
          api,
          api <= 100 ? "PASS" : "MISS");
    }
    long failed = runs.stream().mapToLong(Run::failures).sum();
    if (failed > 0) {
      System.out.printf(
          "FAILED: %d requests did not get a 200 (see the FAILED lines above);"
              + " the figures are not valid%n",
          failed);
    } else {
      System.out.println("non-200 results: 0 in every mode");
    }
    return failed > 0;
  }

  /**
   * Bytes allocated so far by the live platform threads (virtual threads count on their carriers),
   * or -1 when the JVM cannot tell.
   */
  static long allocated() {
    try {
      var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      return threads.isThreadAllocatedMemoryEnabled() ? threads.getTotalThreadAllocatedBytes() : -1;
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** Collections and their total time so far, over every collector. */
  static long[] gc() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, gc.getCollectionCount());
      millis += Math.max(0, gc.getCollectionTime());
    }
    return new long[] {count, millis};
  }

  /** utime and stime of /proc/{pid}/stat in clock ticks (1/100 s), or zeros. */
  static long[] procTicks(String pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // After the name: state is field 3, utime 14, stime 15 (1-based over the whole line).
      return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    } catch (Exception e) {
      return new long[] {0, 0};
    }
  }

  /** Busy and total ticks of the whole machine from /proc/stat, or zeros. */
  static long[] machineTicks() {
    try {
      String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = line.trim().split("\\s+");
      long user = Long.parseLong(f[1]);
      long nice = Long.parseLong(f[2]);
      long system = Long.parseLong(f[3]);
      long idle = Long.parseLong(f[4]);
      long iowait = Long.parseLong(f[5]);
      long irq = Long.parseLong(f[6]);
      long softirq = Long.parseLong(f[7]);
      long steal = Long.parseLong(f[8]);
      long busy = user + nice + system + irq + softirq + steal;
      return new long[] {busy, busy + idle + iowait};
    } catch (Exception e) {
      return new long[] {0, 0};
    }
  }

  static String required(String name) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(name + " must be set (run bench/executor.sh)");
    }
    return v;
  }

  static int intEnv(String name, int fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : Integer.parseInt(v.strip().replace("_", ""));
  }
}
