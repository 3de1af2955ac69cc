package io.credflow.flow;

import io.credflow.common.ConflictException;
import io.credflow.common.ForbiddenException;
import io.credflow.common.NotFoundException;
import io.credflow.common.Page;
import io.credflow.common.PageRequest;
import io.credflow.common.Secret;
import io.credflow.executor.Message;
import io.credflow.tenancy.Caller;
import io.credflow.tenancy.TenancyService;
import io.credflow.tenancy.Workspace;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Runs of flows, as people and webhooks ask for them: start one, read them, cancel one, and retry a
 * failed one from its failed step.
 */
public final class RunService {
  /** Headers of a webhook call that are kept masked in the run's message. */
  private static final Set<String> SECRET_HEADERS =
      Set.of("authorization", "proxy-authorization", "cookie");

  /**
   * Longest JSON (in bytes) a run's message or a step's input or output is shown with, in the API
   * and the console alike; longer is cut to a preview of this many bytes.
   */
  public static final int SHOWN_BYTES = 64 * 1024;

  private final FlowRepository repository;
  private final FlowService flows;
  private final FlowEngine engine;
  private final TenancyService tenancy;

  public RunService(
      FlowRepository repository, FlowService flows, FlowEngine engine, TenancyService tenancy) {
    this.repository = repository;
    this.flows = flows;
    this.engine = engine;
    this.tenancy = tenancy;
  }

  /** A run with what its page shows: the version it ran and each step's record. */
  public record RunDetail(Run run, FlowDefinition version, List<StepRun> steps) {}

  /** A call to a flow's webhook URL, as received. */
  public record HookCall(
      String method,
      List<Map.Entry<String, String>> headers,
      Map<String, List<String>> query,
      byte[] rawBody,
      Object body) {}

  /** {@code POST …/flows/{id}/runs}: starts a run of an active flow with {@code message}. */
  public Run start(Caller caller, String workspaceId, String flowId, Message message) {
    Flow flow = flows.get(caller, workspaceId, flowId);
    requireActive(flow);
    return engine
        .start(flow, "manual", new LinkedHashMap<>(message.input()), Optional.empty())
        .orElseThrow();
  }

  /**
   * A call to {@code /hooks/{hookId}}: starts a run with the call as its message, after checking
   * its signature when the flow's webhook has a secret.
   */
  public Run hook(String hookId, HookCall call) {
    Flow flow =
        repository
            .findByHook(hookId)
            .filter(f -> f.definition().trigger() instanceof Trigger.Webhook)
            .orElseThrow(() -> NotFoundException.because("no flow has a webhook at this address"));
    requireActive(flow);
    Trigger.Webhook webhook = (Trigger.Webhook) flow.definition().trigger();
    if (webhook.signatureHeader().isPresent()) {
      checkSignature(flow, webhook.signatureHeader().get(), call);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("method", call.method());
    body.put("headers", headers(call.headers(), webhook.signatureHeader()));
    Map<String, Object> query = new LinkedHashMap<>();
    call.query().forEach((k, v) -> query.put(k, v.size() == 1 ? v.get(0) : v));
    body.put("query", query);
    body.put("body", call.body());
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("body", body);
    message.put("passthrough", Map.of());
    return engine.start(flow, "webhook", message, Optional.empty()).orElseThrow();
  }

  private void checkSignature(Flow flow, String header, HookCall call) {
    Optional<String> given =
        call.headers().stream()
            .filter(h -> h.getKey().equalsIgnoreCase(header))
            .map(Map.Entry::getValue)
            .findFirst();
    Secret secret =
        repository
            .hookSecret(flow.id())
            .orElseThrow(
                () -> new ForbiddenException("the flow's webhook secret is missing; set it again"));
    if (given.isEmpty()) {
      throw new ForbiddenException(
          "the call has no " + header + " header: sign the body with HMAC-SHA256");
    }
    String value = given.get().strip();
    if (value.regionMatches(true, 0, "sha256=", 0, 7)) {
      value = value.substring(7);
    }
    byte[] expected = hmac(secret, call.rawBody());
    byte[] actual;
    try {
      actual = HexFormat.of().parseHex(value.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      actual = new byte[0];
    }
    if (!MessageDigest.isEqual(expected, actual)) {
      throw new ForbiddenException(
          "the "
              + header
              + " header is not the HMAC-SHA256 of the body under the webhook's secret (hex,"
              + " optionally prefixed with sha256=)");
    }
  }

  static byte[] hmac(Secret secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  private static Map<String, Object> headers(
      List<Map.Entry<String, String>> headers, Optional<String> signatureHeader) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> h : headers) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      boolean secret =
          SECRET_HEADERS.contains(name)
              || signatureHeader.map(s -> s.equalsIgnoreCase(name)).orElse(false);
      String value = secret ? Secret.MASK : h.getValue();
      Object before = out.get(name);
      if (before == null) {
        out.put(name, value);
      } else if (before instanceof List<?> list) {
        List<Object> more = new java.util.ArrayList<>(list);
        more.add(value);
        out.put(name, more);
      } else {
        out.put(name, List.of(before, value));
      }
    }
    return out;
  }

  private static void requireActive(Flow flow) {
    if (flow.status() != FlowStatus.ACTIVE) {
      throw new ConflictException(
          "flow_not_active",
          "flow "
              + flow.id()
              + " (\""
              + flow.name()
              + "\") is "
              + flow.status().wireName()
              + "; only an active flow's trigger starts runs: set its status to active first");
    }
  }

  /** A flow's runs, newest first. */
  public Page<Run> runs(Caller caller, String workspaceId, String flowId, PageRequest page) {
    Flow flow = flows.get(caller, workspaceId, flowId);
    List<Run> fetched = repository.runs(flow.id(), page.after().orElse(0L), page.size() + 1);
    return Page.of(fetched, page.size(), Run::seq);
  }

  public RunDetail run(Caller caller, String workspaceId, String runId) {
    Run run = find(caller, workspaceId, runId);
    FlowDefinition version =
        repository
            .version(run.flowId(), run.flowVersion())
            .orElseThrow(() -> new NotFoundException("run", runId));
    return new RunDetail(run, version, repository.steps(run.id()));
  }

  /** Cancels a running run: its current step records nothing, no later step runs. */
  public RunDetail cancel(Caller caller, String workspaceId, String runId) {
    Run run = find(caller, workspaceId, runId);
    if (!engine.cancel(run)) {
      Run now = repository.run(runId).orElse(run);
      throw new ConflictException(
          "run_not_running",
          "run "
              + runId
              + " is "
              + now.status().wireName()
              + "; only a running run can be cancelled");
    }
    return run(caller, workspaceId, runId);
  }

  /** Runs a failed run again from its failed step, with the version and messages it had. */
  public RunDetail retry(Caller caller, String workspaceId, String runId) {
    Run run = find(caller, workspaceId, runId);
    if (run.status() != RunStatus.FAILED || !engine.retry(run)) {
      Run now = repository.run(runId).orElse(run);
      throw new ConflictException(
          "run_not_failed",
          "run " + runId + " is " + now.status().wireName() + "; only a failed run can be retried");
    }
    return run(caller, workspaceId, runId);
  }

  private Run find(Caller caller, String workspaceId, String runId) {
    Workspace ws = tenancy.workspace(caller, workspaceId);
    return repository
        .run(runId)
        .filter(r -> r.workspaceId().equals(ws.id()))
        .orElseThrow(() -> new NotFoundException("run", runId));
  }
}
