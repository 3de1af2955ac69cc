package io.credflow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.testing.documents.Resource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Flow documents for {@code /v2/workspaces/{ws}/flows} and waiting for runs to end. A run goes on
 * in the background after {@code 202}: {@link #awaitRun} polls its resource until it reaches one of
 * the states asked for (bounded; a run that never gets there fails the test with its last state).
 */
public final class Flows {
  /** How long a run may take to end before a test gives up on it. */
  private static final long PATIENCE_MS = 60_000;

  private Flows() {}

  /** A step {@code id} sending {@code config} with {@code credential} of {@code component}. */
  public static Map<String, Object> step(
      String id, String component, String credential, Map<String, Object> config) {
    Map<String, Object> step = new LinkedHashMap<>();
    step.put("id", id);
    step.put("name", "Step " + id);
    step.put("component", Map.of("id", component));
    step.put("function", "httpRequest");
    step.put("credential", Map.of("id", credential));
    step.put("config", config);
    return step;
  }

  public static Map<String, Object> manual() {
    return Map.of("type", "manual");
  }

  /** A flow document with these members (name, status, trigger, steps, …). */
  public static ObjectNode flowDoc(Map<String, Object> attributes) {
    return Resource.of("flow").attributes(attributes).build();
  }

  /** An active flow with a manual trigger and {@code steps}. */
  public static ObjectNode activeManual(String name, List<Map<String, Object>> steps) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("name", name);
    a.put("status", "active");
    a.put("trigger", manual());
    a.put("steps", new ArrayList<>(steps));
    return flowDoc(a);
  }

  /** A flow document: {@code name}, {@code status}, {@code trigger} and {@code steps}. */
  public static ObjectNode flow(
      String name, String status, Map<String, Object> trigger, List<Map<String, Object>> steps) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("name", name);
    a.put("status", status);
    a.put("trigger", trigger);
    a.put("steps", new ArrayList<>(steps));
    return flowDoc(a);
  }

  /** {@code PATCH …/flows/{id}} with {@code attributes}. */
  public static Api.Response patch(
      Api api, String workspace, String flow, Map<String, Object> attributes) {
    return api.patch(
        "/v2/workspaces/" + workspace + "/flows/" + flow,
        Resource.of("flow").id(flow).attributes(attributes).build());
  }

  /** The flow's resource. */
  public static JsonNode get(Api api, String workspace, String flow) {
    Api.Response r = api.get("/v2/workspaces/" + workspace + "/flows/" + flow);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.data();
  }

  /** The flow's runs, newest first (the first page). */
  public static JsonNode runs(Api api, String workspace, String flow) {
    Api.Response r = api.get("/v2/workspaces/" + workspace + "/flows/" + flow + "/runs");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.body().path("data");
  }

  /** Creates a flow; returns its id. */
  public static String create(Api api, String workspace, ObjectNode doc) {
    Api.Response created = api.post("/v2/workspaces/" + workspace + "/flows", doc);
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    return created.id();
  }

  /** Starts a manual run with {@code body}; returns its id. */
  public static String start(Api api, String workspace, String flow, Object body) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("body", body);
    Api.Response started =
        api.post(
            "/v2/workspaces/" + workspace + "/flows/" + flow + "/runs",
            Resource.of("run").attributes(Map.of("message", message)).build());
    assertThat(started.status()).as(started.text()).isEqualTo(202);
    return started.id();
  }

  public static Api.Response run(Api api, String workspace, String run) {
    return api.get("/v2/workspaces/" + workspace + "/runs/" + run);
  }

  /** Polls the run until its status is one of {@code statuses}; returns its last representation. */
  public static JsonNode awaitRun(Api api, String workspace, String run, String... statuses) {
    Set<String> wanted = Set.of(statuses);
    return awaitRun(
        api,
        workspace,
        run,
        r -> wanted.contains(r.path("attributes").path("status").asText()),
        "status in " + wanted);
  }

  /**
   * Polls the run until {@code condition} holds for its representation (e.g. a step is waiting);
   * returns that representation.
   */
  public static JsonNode awaitRun(
      Api api, String workspace, String run, Predicate<JsonNode> condition, String what) {
    long deadline = System.nanoTime() + PATIENCE_MS * 1_000_000;
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      Api.Response r = run(api, workspace, run);
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      last = r.data();
      if (condition.test(last)) {
        return last;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for run " + run, e);
      }
    }
    throw new AssertionError("run " + run + " did not reach " + what + "; last seen: " + last);
  }

  /** Polls {@code condition} until it holds (bounded like {@link #awaitRun}). */
  public static void eventually(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + PATIENCE_MS * 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never came true: " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting until " + what, e);
      }
    }
  }
}
