package io.credflow;

import io.credflow.account.Passwords;
import io.credflow.api.ClientAddresses;
import io.credflow.api.RateLimits;
import io.credflow.common.Secret;
import io.credflow.common.ValidationException;
import io.credflow.flow.FlowEngine;
import io.credflow.outbound.AllowedDestination;
import io.credflow.outbound.HostResolver;
import io.credflow.tenancy.ApiKeys;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Everything Credflow is started with, validated once: every problem is reported together, in words
 * that say which flag or variable to fix.
 */
public record Config(
    String host,
    int port,
    Path dataDir,
    String dbUrl,
    Optional<String> dbUser,
    Optional<Secret> dbPassword,
    Path keysetPath,
    URI publicUrl,
    boolean allowPrivateNetwork,
    List<AllowedDestination> allowOutbound,
    Optional<Secret> adminApiKey,
    boolean demo,
    boolean publicUrlSet,
    HostResolver hostResolver,
    boolean refreshPoller,
    RateLimits.Settings rateLimits,
    Optional<Secret> adminPassword,
    FlowEngine.Settings flows,
    java.time.Duration expiryWarning,
    int auditRetentionDays) {

  public static final int DEFAULT_PORT = 8080;
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final Path DEFAULT_DATA = Path.of("data");

  /** A configuration that cannot start, with every reason. */
  public static final class InvalidConfigException extends RuntimeException {
    private final List<String> problems;

    InvalidConfigException(List<String> problems) {
      super("invalid configuration:\n  - " + String.join("\n  - ", problems));
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }

  /** Raw inputs, as flags and environment gave them; {@link #build()} validates. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private String port;
    private String dataDir;
    private String dbUrl;
    private String dbUser;
    private String dbPassword;
    private String keyset;
    private String publicUrl;
    private boolean allowPrivateNetwork;
    private List<String> allowOutbound = List.of();
    private String adminApiKey;
    private String adminPassword;
    private boolean demo;
    private HostResolver hostResolver = HostResolver.SYSTEM;
    private boolean refreshPoller = true;
    private String rateLimit;
    private String authFailureLimit;
    private List<String> trustedProxies = List.of();
    private String flowThreads;
    private String flowHeartbeat;
    private FlowEngine.Settings flows = FlowEngine.Settings.defaults();
    private String expiryWarning;
    private String auditRetention;

    public Builder host(String v) {
      host = v;
      return this;
    }

    public Builder port(String v) {
      port = v;
      return this;
    }

    public Builder dataDir(String v) {
      dataDir = v;
      return this;
    }

    public Builder dbUrl(String v) {
      dbUrl = v;
      return this;
    }

    public Builder dbUser(String v) {
      dbUser = v;
      return this;
    }

    public Builder dbPassword(String v) {
      dbPassword = v;
      return this;
    }

    public Builder keyset(String v) {
      keyset = v;
      return this;
    }

    public Builder publicUrl(String v) {
      publicUrl = v;
      return this;
    }

    public Builder allowPrivateNetwork(boolean v) {
      allowPrivateNetwork = v;
      return this;
    }

    /**
     * Loopback or private {@code IP:PORT} destinations outbound calls may reach without {@link
     * #allowPrivateNetwork(boolean)}: one internal service each (see {@link AllowedDestination}).
     */
    public Builder allowOutbound(List<String> v) {
      allowOutbound = List.copyOf(v);
      return this;
    }

    public Builder adminApiKey(String v) {
      adminApiKey = v;
      return this;
    }

    /**
     * The bootstrap admin's console password, set at start when the admin has none yet (instead of
     * a one-time setup link).
     */
    public Builder adminPassword(String v) {
      adminPassword = v;
      return this;
    }

    public Builder demo(boolean v) {
      demo = v;
      return this;
    }

    /**
     * How outbound calls resolve host names (default: the system resolver). For tests that make a
     * name resolve to a private address; deliberately no flag.
     */
    public Builder hostResolver(HostResolver v) {
      hostResolver = java.util.Objects.requireNonNull(v, "hostResolver");
      return this;
    }

    /** Flow steps run at once by this process (--flow-threads / CREDFLOW_FLOW_THREADS). */
    public Builder flowThreads(String v) {
      flowThreads = v;
      return this;
    }

    /**
     * Seconds between a process's heartbeats for the flow steps it runs; after 6 missed ones its
     * steps are taken over by another process (--flow-heartbeat / CREDFLOW_FLOW_HEARTBEAT).
     */
    public Builder flowHeartbeat(String v) {
      flowHeartbeat = v;
      return this;
    }

    /**
     * Days audit records are kept, 0 = forever (--audit-retention / CREDFLOW_AUDIT_RETENTION;
     * default {@value io.credflow.audit.AuditService#DEFAULT_RETENTION_DAYS}).
     */
    public Builder auditRetention(String v) {
      auditRetention = v;
      return this;
    }

    /** The flow engine's settings as a whole (tests shorten its waits); flags still apply. */
    public Builder flows(FlowEngine.Settings v) {
      flows = v;
      return this;
    }

    /**
     * Whether the refresh scheduler polls in the background (default: yes). Off, due refreshes run
     * only when {@code RefreshScheduler.runDueNow()} is called: for tests that move a clock and
     * drive the scheduler by hand; deliberately no flag.
     */
    public Builder refreshPoller(boolean v) {
      refreshPoller = v;
      return this;
    }

    /**
     * Days ahead that refresh tokens and client secrets are warned about before they expire
     * (--expiry-warning / CREDFLOW_EXPIRY_WARNING; default 7).
     */
    public Builder expiryWarning(String v) {
      expiryWarning = v;
      return this;
    }

    /** Requests per minute per API key ({@code 0} turns the limit off). */
    public Builder rateLimit(String v) {
      rateLimit = v;
      return this;
    }

    /** Failed authentications per minute per client address ({@code 0} turns the limit off). */
    public Builder authFailureLimit(String v) {
      authFailureLimit = v;
      return this;
    }

    /**
     * Proxies (IP addresses or CIDR blocks) whose {@code X-Forwarded-For} names the client address;
     * none by default, when the header is ignored.
     */
    public Builder trustedProxies(List<String> v) {
      trustedProxies = List.copyOf(v);
      return this;
    }

    public Config build() {
      List<String> problems = new ArrayList<>();
      int p = DEFAULT_PORT;
      if (blank(port) == null) {
        p = DEFAULT_PORT;
      } else {
        try {
          p = Integer.parseInt(port.trim());
          if (p < 0 || p > 65535) {
            problems.add("--port/CREDFLOW_PORT must be 0..65535 (0 picks a free port), was " + p);
          }
        } catch (NumberFormatException e) {
          problems.add("--port/CREDFLOW_PORT must be a number, was \"" + port + "\"");
        }
      }
      if (blank(host) == null) {
        problems.add("--host must not be blank");
      }
      Path data = blank(dataDir) == null ? DEFAULT_DATA : Path.of(dataDir.trim());
      String url =
          blank(dbUrl) == null
              ? "jdbc:h2:file:"
                  + data.toAbsolutePath().resolve("credflow")
                  + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;QUERY_CACHE_SIZE=64"
              : dbUrl.trim();
      String lower = url.toLowerCase(Locale.ROOT);
      if (!lower.startsWith("jdbc:h2:") && !lower.startsWith("jdbc:postgresql:")) {
        problems.add(
            "--db/CREDFLOW_DB_URL must be a jdbc:h2: or jdbc:postgresql: URL, was \""
                + url.replaceAll("(?i)password=[^&;]*", "password=********")
                + "\"");
      }
      Path keysetPath =
          blank(keyset) == null ? data.resolve("keyset.json") : Path.of(keyset.trim());
      int effectivePort = p == 0 ? DEFAULT_PORT : p;
      URI publicUri = URI.create("http://localhost:" + effectivePort);
      if (blank(publicUrl) != null) {
        try {
          URI u = new URI(publicUrl.trim().replaceAll("/+$", ""));
          String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
          if (!(scheme.equals("http") || scheme.equals("https"))
              || u.getHost() == null
              || u.getQuery() != null
              || u.getFragment() != null) {
            problems.add(
                "--public-url/CREDFLOW_PUBLIC_URL must be an absolute http(s) URL without query,"
                    + " like https://credflow.example.com, was \""
                    + publicUrl
                    + "\"");
          } else {
            publicUri = u;
          }
        } catch (URISyntaxException e) {
          problems.add("--public-url/CREDFLOW_PUBLIC_URL is not a URL: " + e.getReason());
        }
      }
      List<AllowedDestination> allowed = new ArrayList<>();
      for (String entry : allowOutbound) {
        try {
          allowed.add(AllowedDestination.parse(entry));
        } catch (IllegalArgumentException e) {
          problems.add("--allow-outbound/CREDFLOW_ALLOW_OUTBOUND: " + e.getMessage());
        }
      }
      Optional<Secret> admin = Optional.empty();
      if (blank(adminApiKey) != null) {
        if (!ApiKeys.acceptable(adminApiKey)) {
          problems.add(
              "CREDFLOW_ADMIN_API_KEY must be 16 to 512 visible ASCII characters without spaces");
        } else {
          admin = Optional.of(Secret.of(adminApiKey));
        }
      }
      Optional<Secret> password = Optional.empty();
      if (adminPassword != null && !adminPassword.isEmpty()) {
        try {
          Passwords.checkPolicy(Secret.of(adminPassword));
          password = Optional.of(Secret.of(adminPassword));
        } catch (ValidationException e) {
          problems.add("CREDFLOW_ADMIN_PASSWORD: " + e.getMessage());
        }
      }
      int perKey =
          perMinute(
              rateLimit,
              RateLimits.DEFAULT_REQUESTS_PER_MINUTE,
              "--rate-limit/CREDFLOW_RATE_LIMIT",
              problems);
      int failures =
          perMinute(
              authFailureLimit,
              RateLimits.DEFAULT_AUTH_FAILURES_PER_MINUTE,
              "--auth-failure-limit/CREDFLOW_AUTH_FAILURE_LIMIT",
              problems);
      ClientAddresses clients = ClientAddresses.DIRECT;
      try {
        clients = ClientAddresses.trusting(trustedProxies);
      } catch (IllegalArgumentException e) {
        problems.add("--trusted-proxy/CREDFLOW_TRUSTED_PROXY: " + e.getMessage());
      }
      FlowEngine.Settings flowSettings = flows;
      int threads =
          whole(
              flowThreads,
              flows.threads(),
              1,
              1_000,
              "--flow-threads/CREDFLOW_FLOW_THREADS",
              problems);
      int heartbeat =
          whole(
              flowHeartbeat,
              (int) flows.heartbeatInterval().toSeconds(),
              1,
              3_600,
              "--flow-heartbeat/CREDFLOW_FLOW_HEARTBEAT",
              problems);
      if (blank(flowThreads) != null) {
        flowSettings = flowSettings.withThreads(threads);
      }
      if (blank(flowHeartbeat) != null) {
        flowSettings =
            flowSettings.withHeartbeat(
                java.time.Duration.ofSeconds(heartbeat), flowSettings.missedHeartbeats());
      }
      int warningDays =
          whole(
              expiryWarning,
              (int) io.credflow.credential.ExpiryWatch.DEFAULT_WARNING.toDays(),
              0,
              3_650,
              "--expiry-warning/CREDFLOW_EXPIRY_WARNING (days)",
              problems);
      int retentionDays =
          whole(
              auditRetention,
              io.credflow.audit.AuditService.DEFAULT_RETENTION_DAYS,
              0,
              36_500,
              "--audit-retention/CREDFLOW_AUDIT_RETENTION",
              problems);
      if (!problems.isEmpty()) {
        throw new InvalidConfigException(problems);
      }
      return new Config(
          host.trim(),
          p,
          data,
          url,
          Optional.ofNullable(blank(dbUser)),
          Optional.ofNullable(dbPassword).filter(s -> !s.isEmpty()).map(Secret::of),
          keysetPath,
          publicUri,
          allowPrivateNetwork || demo,
          List.copyOf(allowed),
          admin,
          demo,
          blank(publicUrl) != null,
          hostResolver,
          refreshPoller,
          new RateLimits.Settings(perKey, failures, clients),
          password,
          flowSettings,
          java.time.Duration.ofDays(warningDays),
          retentionDays);
    }

    /** A whole number from {@code min} to {@code max}; {@code fallback} when not given. */
    private static int whole(
        String value, int fallback, int min, int max, String name, List<String> problems) {
      if (blank(value) == null) {
        return fallback;
      }
      try {
        int n = Integer.parseInt(value.trim());
        if (n >= min && n <= max) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      problems.add(
          name + " must be a whole number from " + min + " to " + max + ", was \"" + value + "\"");
      return fallback;
    }

    /** A limit per minute: a whole number from 0 (off) up; {@code fallback} when not given. */
    private static int perMinute(String value, int fallback, String name, List<String> problems) {
      if (blank(value) == null) {
        return fallback;
      }
      try {
        int n = Integer.parseInt(value.trim());
        if (n >= 0) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      problems.add(
          name
              + " must be a whole number of requests per minute (0 turns it off), was \""
              + value
              + "\"");
      return fallback;
    }

    private static String blank(String s) {
      return s == null || s.isBlank() ? null : s;
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public boolean embeddedDatabase() {
    return dbUrl.toLowerCase(Locale.ROOT).startsWith("jdbc:h2:");
  }

  /** The record's text with a password in the database URL masked; the secrets print masked. */
  @Override
  public String toString() {
    return "Config[host="
        + host
        + ", port="
        + port
        + ", dataDir="
        + dataDir
        + ", dbUrl="
        + dbUrl.replaceAll("(?i)(password=)[^&;]*", "$1" + Secret.MASK)
        + ", dbUser="
        + dbUser
        + ", dbPassword="
        + dbPassword
        + ", keysetPath="
        + keysetPath
        + ", publicUrl="
        + publicUrl
        + ", allowPrivateNetwork="
        + allowPrivateNetwork
        + ", allowOutbound="
        + allowOutbound
        + ", adminApiKey="
        + adminApiKey
        + ", adminPassword="
        + adminPassword
        + ", demo="
        + demo
        + ", rateLimits="
        + rateLimits
        + "]";
  }
}
