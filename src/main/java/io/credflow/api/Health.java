package io.credflow.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.function.BooleanSupplier;

/**
 * The health routes a load balancer or an orchestrator asks, without authentication: {@code
 * /health/live} answers 200 while the process serves at all; {@code /health/ready} answers 200 only
 * while the database answers, the migrations are done and no stop has begun, else 503 with the
 * reason. A stop ({@link #stopping()}) turns readiness to 503 at once, while the process still
 * serves, so that the balancer sends new requests elsewhere before the listener closes.
 */
public final class Health {
  private final BooleanSupplier database;
  private final BooleanSupplier migrated;
  private volatile boolean stopping;

  /**
   * @param database whether a trivial query answers now
   * @param migrated whether the database's migrations are done
   */
  public Health(BooleanSupplier database, BooleanSupplier migrated) {
    this.database = database;
    this.migrated = migrated;
  }

  /** From now on readiness answers 503 {@code shutting_down}; liveness is unchanged. */
  public void stopping() {
    stopping = true;
  }

  public boolean isStopping() {
    return stopping;
  }

  void register(RoutesConfig routes) {
    routes.get("/health/live", this::live);
    routes.get("/health/ready", this::ready);
  }

  private void live(Context ctx) {
    ObjectNode doc = JsonApi.object();
    doc.put("status", "ok");
    write(ctx, 200, doc);
  }

  private void ready(Context ctx) {
    // Once a stop began the database is not asked: the answer is 503 whatever it says.
    boolean stop = stopping;
    boolean db = !stop && database.getAsBoolean();
    boolean migrations = migrated.getAsBoolean();
    ObjectNode doc = JsonApi.object();
    ObjectNode checks = JsonApi.object();
    checks.put("shutdown", stop ? "started" : "not_started");
    checks.put("database", stop ? "not_checked" : db ? "ok" : "unavailable");
    checks.put("migrations", migrations ? "done" : "pending");
    if (stop) {
      doc.put("status", "unavailable");
      doc.put("reason", "shutting_down");
      doc.put(
          "detail",
          "this process is shutting down: it finishes the requests it has and takes no new ones;"
              + " send them to another process");
    } else if (!db) {
      doc.put("status", "unavailable");
      doc.put("reason", "database_unavailable");
      doc.put("detail", "the database does not answer");
    } else if (!migrations) {
      doc.put("status", "unavailable");
      doc.put("reason", "migrations_pending");
      doc.put("detail", "the database's migrations are not done yet");
    } else {
      doc.put("status", "ready");
    }
    doc.set("checks", checks);
    write(ctx, stop || !db || !migrations ? 503 : 200, doc);
  }

  private static void write(Context ctx, int status, ObjectNode doc) {
    ctx.status(status)
        .header("Cache-Control", "no-store")
        .contentType("application/json")
        .result(doc.toString());
  }
}
