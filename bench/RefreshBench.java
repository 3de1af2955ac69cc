import io.credflow.Config;
import io.credflow.Credflow;
import io.credflow.authclient.AuthClientService;
import io.credflow.authclient.SettingsParser;
import io.credflow.common.Secret;
import io.credflow.component.AuthClientType;
import io.credflow.component.DescriptorParser;
import io.credflow.credential.CredentialInput;
import io.credflow.credential.CredentialService;
import io.credflow.tenancy.Caller;
import io.credflow.tenancy.Level;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import java.nio.ByteBuffer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The refresh benchmark: N OAuth2 credentials whose tokens all expire at the same instant, a local
 * token endpoint that answers in DELAY ms with rotating refresh tokens, and one Credflow process
 * (this JVM) whose scheduler must refresh every token before it expires.
 *
 * <p>Run with {@code bash bench/refresh.sh} (it builds the jar and passes the classpath).
 */
public class RefreshBench {
  record Hit(int credential, long atMillis) {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(System.getenv().getOrDefault("BENCH_CREDENTIALS", "10000"));
    int delayMs = Integer.parseInt(System.getenv().getOrDefault("BENCH_TOKEN_DELAY_MS", "20"));
    String dbUrl = System.getenv().getOrDefault("BENCH_DB_URL", "");

    // The token endpoint: rotation with reuse detection, DELAY ms per answer.
    Map<Integer, Integer> generation = new ConcurrentHashMap<>();
    List<Hit> hits = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger requests = new AtomicInteger();
    AtomicInteger reuse = new AtomicInteger();
    // On Jetty (as Credflow's own server), the delay scheduled rather than slept: the endpoint
    // stands for a remote provider and must not be what limits the rate measured here.
    org.eclipse.jetty.server.Server fake = new org.eclipse.jetty.server.Server();
    org.eclipse.jetty.server.ServerConnector connector =
        new org.eclipse.jetty.server.ServerConnector(fake);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    connector.setAcceptQueueSize(1024);
    fake.addConnector(connector);
    fake.setHandler(
        new org.eclipse.jetty.server.Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback)
              throws Exception {
            Map<String, String> form = form(Content.Source.asString(request, StandardCharsets.UTF_8));
            requests.incrementAndGet();
            String[] parts = form.getOrDefault("refresh_token", "rt-0-0").split("-");
            int id = Integer.parseInt(parts[1]);
            int gen = Integer.parseInt(parts[2]);
            Runnable answer =
                () -> {
                  synchronized (generation) {
                    int current = generation.getOrDefault(id, 0);
                    if (current != gen) {
                      reuse.incrementAndGet();
                      send(response, callback, 400, "{\"error\":\"invalid_grant\"}");
                      return;
                    }
                    generation.put(id, gen + 1);
                  }
                  hits.add(new Hit(id, System.currentTimeMillis()));
                  send(
                      response,
                      callback,
                      200,
                      "{\"access_token\":\"at-"
                          + id
                          + "-"
                          + (gen + 1)
                          + "\",\"token_type\":\"Bearer\",\"expires_in\":86400,\"refresh_token\":\"rt-"
                          + id
                          + "-"
                          + (gen + 1)
                          + "\"}");
                };
            if (delayMs > 0) {
              fake.getScheduler().schedule(answer, delayMs, TimeUnit.MILLISECONDS);
            } else {
              answer.run();
            }
            return true;
          }
        });
    fake.start();
    String tokenUri = "http://127.0.0.1:" + connector.getLocalPort() + "/token";

    Path data = Files.createTempDirectory("credflow-refresh-bench");
    Config.Builder cb =
        Config.builder()
            .port("0")
            .dataDir(data.toString())
            .allowPrivateNetwork(true)
            .adminApiKey("bench-admin-key-0123456789abcdef");
    if (!dbUrl.isEmpty()) {
      cb.dbUrl(dbUrl).dbUser(System.getenv().getOrDefault("BENCH_DB_USER", "postgres"));
    }
    Credflow credflow = Credflow.start(cb.build(), Clock.systemUTC());
    var s = credflow.services();
    Caller admin = s.tenancy().bootstrapAdminCaller();
    var tenant = s.tenancy().createTenant(admin, "bench");
    var contract = s.tenancy().createContract(admin, tenant.id(), "bench");
    var ws = s.tenancy().createWorkspace(admin, contract.id(), "bench");
    Map<String, Object> descriptor =
        Map.of("title", "REST API V2", "authClientTypes", List.of("oauth2"));
    var component =
        s.components()
            .create(
                admin,
                "REST API V2",
                Level.TENANT,
                tenant.id(),
                DescriptorParser.parse(descriptor, "descriptor"));
    var authClient =
        s.authClients()
            .create(
                admin,
                new AuthClientService.NewAuthClient(
                    "bench oauth2",
                    SettingsParser.parse(
                        AuthClientType.OAUTH2,
                        Map.of(
                            "client_id", "bench",
                            "client_secret", "bench-secret",
                            "auth_uri", "http://127.0.0.1/authorize",
                            "token_uri", tokenUri),
                        "credentials"),
                    List.of(component.id()),
                    Optional.of(Level.TENANT),
                    Optional.of(tenant.id())))
            .authClient();

    // Estimate how long creating N credentials takes, so that every token expires at one instant
    // after all of them exist and before any is due.
    long t0 = System.nanoTime();
    int probe = Math.min(200, n);
    Instant farEnd = Instant.now().plus(Duration.ofHours(1));
    for (int i = 0; i < probe; i++) {
      create(s.credentials(), admin, ws.id(), authClient.id(), i, farEnd);
    }
    double perCredential = (System.nanoTime() - t0) / 1e9 / probe;
    long setupSeconds = (long) Math.ceil(perCredential * (n - probe) * 1.5) + 10;
    Instant expiry = Instant.now().plusSeconds(setupSeconds + 70);
    // The probe credentials are deleted below with the rest and made again with the common
    // expiry; their token generations start over.
    for (int i = 0; i < probe; i++) {
      generation.put(i, 0);
    }
    System.out.printf(
        "setup: %.2f ms per credential, all %d tokens expire at %s (in %d s)%n",
        perCredential * 1000, n, expiry, Duration.between(Instant.now(), expiry).toSeconds());
    try (Connection c = credflow.database().dataSource().getConnection();
        Statement st = c.createStatement()) {
      st.executeUpdate("DELETE FROM refresh_schedule");
      st.executeUpdate("DELETE FROM credential_events");
      st.executeUpdate("DELETE FROM credentials");
    }
    long created0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      create(s.credentials(), admin, ws.id(), authClient.id(), i, expiry);
    }
    System.out.printf(
        "created %d credentials in %.1f s%n", n, (System.nanoTime() - created0) / 1e9);

    Map<Integer, Long> scheduledAt = new HashMap<>();
    Map<String, Integer> byId = new HashMap<>();
    try (Connection c = credflow.database().dataSource().getConnection();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT c.id, c.name, r.refresh_at FROM credentials c JOIN refresh_schedule r"
                    + " ON r.credential_id = c.id")) {
      while (rs.next()) {
        int index = Integer.parseInt(rs.getString("name").substring(5));
        scheduledAt.put(
            index, rs.getObject("refresh_at", java.time.OffsetDateTime.class).toInstant().toEpochMilli());
        byId.put(rs.getString("id"), index);
      }
    }
    long firstDue = scheduledAt.values().stream().mapToLong(Long::longValue).min().orElse(0);
    long lastDue = scheduledAt.values().stream().mapToLong(Long::longValue).max().orElse(0);
    System.out.printf(
        "scheduled: %d refreshes due between %s and %s%n",
        scheduledAt.size(), Instant.ofEpochMilli(firstDue), Instant.ofEpochMilli(lastDue));

    long deadline = expiry.toEpochMilli() + 30_000;
    while (hits.size() < n && System.currentTimeMillis() < deadline) {
      Thread.sleep(250);
    }
    Thread.sleep(1500);

    List<Hit> done = new ArrayList<>(hits);
    long first = done.stream().mapToLong(Hit::atMillis).min().orElse(0);
    long last = done.stream().mapToLong(Hit::atMillis).max().orElse(0);
    long maxLate = 0;
    long beforeExpiry = 0;
    for (Hit h : done) {
      Long due = scheduledAt.get(h.credential());
      if (due != null) {
        maxLate = Math.max(maxLate, h.atMillis() - due);
      }
      if (h.atMillis() < expiry.toEpochMilli()) {
        beforeExpiry++;
      }
    }
    long distinct = done.stream().mapToInt(Hit::credential).distinct().count();
    double seconds = Math.max(0.001, (last - first) / 1000.0);
    String status = Files.readString(Path.of("/proc/self/status"));
    status = status.isEmpty() ? "" : status;
    long rssKb = kb(status, "VmRSS:");
    long hwmKb = kb(status, "VmHWM:");
    System.out.println();
    System.out.printf("database:                 %s%n", credflow.database().describe());
    System.out.printf("credentials:              %d%n", n);
    System.out.printf("token requests seen:      %d (expected %d)%n", requests.get(), n);
    System.out.printf("credentials refreshed:    %d distinct, %d before expiry%n", distinct, beforeExpiry);
    System.out.printf("refresh-token reuse:      %d%n", reuse.get());
    System.out.printf("refresh window:           %.1f s (first to last token request)%n", seconds);
    System.out.printf(
        "refreshes per second:     %.0f while the schedule released them%n", done.size() / seconds);
    System.out.printf("latest vs its schedule:   %d ms late (max over all credentials)%n", maxLate);
    System.out.printf("last refresh before expiry by: %d ms%n", expiry.toEpochMilli() - last);
    System.out.printf("process memory:           RSS %d MiB, peak %d MiB (target < 512)%n", rssKb / 1024, hwmKb / 1024);

    // Capacity: the schedule above spreads N refreshes over the ±10% jitter of their 60 s margin,
    // so its rate is bounded by demand. Here every schedule row is made due at once (a direct
    // update of the schedule table, as after an outage) and the scheduler works off the backlog.
    int before = hits.size();
    int requestsBefore = requests.get();
    long burstStart = System.currentTimeMillis();
    Duration cpuBefore = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
    try (Connection c = credflow.database().dataSource().getConnection();
        java.sql.PreparedStatement ps =
            c.prepareStatement("UPDATE refresh_schedule SET refresh_at = ?")) {
      ps.setObject(1, java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC));
      ps.executeUpdate();
    }
    long burstDeadline = burstStart + 300_000;
    while (hits.size() < before + n && System.currentTimeMillis() < burstDeadline) {
      Thread.sleep(100);
    }
    List<Hit> burst = new ArrayList<>(hits.subList(before, hits.size()));
    long burstLast = burst.stream().mapToLong(Hit::atMillis).max().orElse(burstStart);
    double burstSeconds = Math.max(0.001, (burstLast - burstStart) / 1000.0);
    double capacity = burst.size() / burstSeconds;
    Duration cpu =
        ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO).minus(cpuBefore);
    status = Files.readString(Path.of("/proc/self/status"));
    System.out.printf(
        "backlog of %d due at once:  %d refreshed in %.1f s = %.0f refreshes/s (target >= 2000),"
            + " %d token requests%n",
        n, burst.size(), burstSeconds, capacity, requests.get() - requestsBefore);
    System.out.printf(
        "CPU of this process:      %.2f ms per refresh (server, scheduler and fake endpoint)%n",
        cpu.toNanos() / 1e6 / Math.max(1, burst.size()));
    System.out.printf(
        "process memory after:     RSS %d MiB, peak %d MiB (target < 512)%n",
        kb(status, "VmRSS:") / 1024, kb(status, "VmHWM:") / 1024);
    boolean ok =
        requests.get() == 2 * n
            && beforeExpiry == n
            && reuse.get() == 0
            && capacity >= 2000
            && kb(status, "VmHWM:") / 1024 < 512;
    System.out.println(ok ? "RESULT: all targets met" : "RESULT: a target was missed");
    credflow.close();
    fake.stop();
    System.exit(0);
  }

  private static void create(
      CredentialService credentials, Caller admin, String ws, String authClient, int i, Instant expiry) {
    long expiresIn = Math.max(1, Duration.between(Instant.now(), expiry).toSeconds());
    credentials.create(
        admin,
        ws,
        new CredentialService.NewCredential(
            "cred-" + i,
            authClient,
            Optional.empty(),
            (settings, stored) ->
                new CredentialInput.Tokens(
                    Secret.of("at-" + i + "-0"),
                    Optional.of(Secret.of("rt-" + i + "-0")),
                    expiresIn,
                    Optional.empty())));
  }

  private static long kb(String status, String key) {
    for (String line : status.split("\n")) {
      if (line.startsWith(key)) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static Map<String, String> form(String body) {
    Map<String, String> out = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static void send(Response response, Callback callback, int status, String json) {
    response.setStatus(status);
    response.getHeaders().put("Content-Type", "application/json");
    response.write(true, ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), callback);
  }

}
