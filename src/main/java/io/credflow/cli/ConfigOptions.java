package io.credflow.cli;

import io.credflow.Config;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The flags shared by every command that opens Credflow's data; each falls back to its variable.
 */
final class ConfigOptions {
  @Option(names = "--port", description = "HTTP port (CREDFLOW_PORT; default 8080, 0 = any free)")
  String port;

  @Option(names = "--host", description = "Address to bind (CREDFLOW_HOST; default 127.0.0.1)")
  String host;

  @Option(names = "--data", description = "Data directory (CREDFLOW_DATA; default ./data)")
  String data;

  @Option(
      names = "--db",
      description = "JDBC URL (CREDFLOW_DB_URL; default an H2 file database in the data directory)")
  String db;

  @Option(names = "--public-url", description = "URL users reach Credflow at (CREDFLOW_PUBLIC_URL)")
  String publicUrl;

  @Option(
      names = "--allow-private-network",
      description = "Let requests and token calls reach loopback and private addresses")
  boolean allowPrivateNetwork;

  @Option(
      names = "--allow-outbound",
      paramLabel = "IP:PORT",
      description =
          "Let requests and token calls reach this one loopback or private address and port"
              + " (repeatable; CREDFLOW_ALLOW_OUTBOUND, comma-separated)")
  List<String> allowOutbound = new ArrayList<>();

  @Option(
      names = "--rate-limit",
      paramLabel = "N",
      description =
          "Requests per minute per API key (CREDFLOW_RATE_LIMIT; default 60000, 0 = no limit)")
  String rateLimit;

  @Option(
      names = "--auth-failure-limit",
      paramLabel = "N",
      description =
          "Failed authentications per minute per client address before 429"
              + " (CREDFLOW_AUTH_FAILURE_LIMIT; default 20, 0 = no limit)")
  String authFailureLimit;

  @Option(
      names = "--trusted-proxy",
      paramLabel = "IP[/BITS]",
      description =
          "A load balancer or proxy whose X-Forwarded-For names the client address (repeatable;"
              + " CREDFLOW_TRUSTED_PROXY, comma-separated; default none: the header is ignored)")
  List<String> trustedProxies = new ArrayList<>();

  @Option(
      names = "--flow-threads",
      description = "Flow steps this process runs at once (CREDFLOW_FLOW_THREADS; default 64)")
  String flowThreads;

  @Option(
      names = "--flow-heartbeat",
      paramLabel = "SECONDS",
      description =
          "Seconds between this process's heartbeats for the flow steps it runs; another process"
              + " takes its steps over after 6 missed (CREDFLOW_FLOW_HEARTBEAT; default 10)")
  String flowHeartbeat;

  @Option(
      names = "--expiry-warning",
      paramLabel = "DAYS",
      description =
          "Days ahead that expiring refresh tokens and client secrets are warned about"
              + " (CREDFLOW_EXPIRY_WARNING; default 7)")
  String expiryWarning;

  @Option(
      names = "--audit-retention",
      paramLabel = "DAYS",
      description =
          "Days audit records are kept before the hourly sweep deletes them"
              + " (CREDFLOW_AUDIT_RETENTION; default 365, 0 = keep forever)")
  String auditRetention;

  Config toConfig(Map<String, String> env, boolean demo) {
    return Config.builder()
        .port(first(port, env.get("CREDFLOW_PORT")))
        .host(first(host, env.getOrDefault("CREDFLOW_HOST", Config.DEFAULT_HOST)))
        .dataDir(first(data, env.get("CREDFLOW_DATA")))
        .dbUrl(first(db, env.get("CREDFLOW_DB_URL")))
        .dbUser(env.get("CREDFLOW_DB_USER"))
        .dbPassword(env.get("CREDFLOW_DB_PASSWORD"))
        .keyset(env.get("CREDFLOW_KEYSET"))
        .publicUrl(first(publicUrl, env.get("CREDFLOW_PUBLIC_URL")))
        .allowPrivateNetwork(
            allowPrivateNetwork
                || "true".equalsIgnoreCase(env.get("CREDFLOW_ALLOW_PRIVATE_NETWORK")))
        .allowOutbound(
            allowOutbound.isEmpty() ? list(env.get("CREDFLOW_ALLOW_OUTBOUND")) : allowOutbound)
        .adminApiKey(env.get("CREDFLOW_ADMIN_API_KEY"))
        .adminPassword(env.get("CREDFLOW_ADMIN_PASSWORD"))
        .rateLimit(first(rateLimit, env.get("CREDFLOW_RATE_LIMIT")))
        .authFailureLimit(first(authFailureLimit, env.get("CREDFLOW_AUTH_FAILURE_LIMIT")))
        .flowThreads(first(flowThreads, env.get("CREDFLOW_FLOW_THREADS")))
        .flowHeartbeat(first(flowHeartbeat, env.get("CREDFLOW_FLOW_HEARTBEAT")))
        .auditRetention(first(auditRetention, env.get("CREDFLOW_AUDIT_RETENTION")))
        .trustedProxies(
            trustedProxies.isEmpty() ? list(env.get("CREDFLOW_TRUSTED_PROXY")) : trustedProxies)
        .expiryWarning(first(expiryWarning, env.get("CREDFLOW_EXPIRY_WARNING")))
        .demo(demo)
        .build();
  }

  /** A comma-separated variable's entries, blanks dropped. */
  private static List<String> list(String env) {
    if (env == null) {
      return List.of();
    }
    return Arrays.stream(env.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private static String first(String flag, String env) {
    return flag != null ? flag : env;
  }
}
