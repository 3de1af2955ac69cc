package io.credflow.flow;

import io.credflow.common.ConflictException;
import io.credflow.common.CredflowException;
import io.credflow.common.Ids;
import io.credflow.common.NotFoundException;
import io.credflow.common.Page;
import io.credflow.common.PageRequest;
import io.credflow.common.Secret;
import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import io.credflow.component.ComponentService;
import io.credflow.credential.Credential;
import io.credflow.credential.CredentialService;
import io.credflow.credential.CredentialState;
import io.credflow.credential.CredentialUsage;
import io.credflow.tenancy.Caller;
import io.credflow.tenancy.TenancyService;
import io.credflow.tenancy.Workspace;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Flows in a workspace: made, read, changed (a change to the trigger or steps is a new version;
 * runs keep the version they started with), activated (which validates the whole flow again,
 * credentials' states included) and deleted. Any member of the workspace may do all of it; a flow's
 * steps run with the rights of whoever saved it last.
 */
public final class FlowService implements CredentialUsage {
  private static final int HOOK_ID_BYTES = 24;

  private final FlowRepository repository;
  private final TenancyService tenancy;
  private final ComponentService components;
  private final CredentialService credentials;
  private final TimedTriggers timed;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  /** Keeps db-scheduler's timed triggers in step with the flows. */
  public interface TimedTriggers {
    /** The flow's trigger fires on its schedule from now on, if it is active and timed. */
    void sync(Flow flow);

    /** The flow's timed trigger, if any, fires no more. */
    void remove(String flowId);
  }

  public FlowService(
      FlowRepository repository,
      TenancyService tenancy,
      ComponentService components,
      CredentialService credentials,
      TimedTriggers timed,
      Clock clock) {
    this.repository = repository;
    this.tenancy = tenancy;
    this.components = components;
    this.credentials = credentials;
    this.timed = timed;
    this.clock = clock;
  }

  /**
   * A new flow: {@code trigger} and {@code steps} as parsed JSON. Missing members are empty, so
   * that one answer names them with every other problem.
   */
  public record NewFlow(
      Optional<String> name,
      Optional<Object> trigger,
      Optional<Object> steps,
      Optional<FlowStatus> status) {}

  /** A change; absent members stay as they are. */
  public record Change(
      Optional<String> name,
      Optional<Object> trigger,
      Optional<Object> steps,
      Optional<FlowStatus> status) {}

  public Flow create(Caller caller, String workspaceId, NewFlow request) {
    Workspace ws = tenancy.workspace(caller, workspaceId);
    FlowStatus status = request.status().orElse(FlowStatus.DRAFT);
    // Every problem in one answer: the name's, the parser's, and then the database's.
    List<Violation> problems = new ArrayList<>();
    String name = "";
    try {
      name = TenancyService.checkName(request.name().orElse(""));
    } catch (ValidationException e) {
      problems.addAll(e.violations());
    }
    Optional<FlowParser.Parsed> read = Optional.empty();
    try {
      read =
          Optional.of(
              FlowParser.parse(request.trigger().orElse(null), request.steps().orElse(null)));
    } catch (ValidationException e) {
      problems.addAll(e.violations());
    }
    if (read.isPresent()) {
      if (read.get().definition().trigger() instanceof Trigger.Webhook w
          && w.signatureHeader().isPresent()
          && read.get().webhookSecret().isEmpty()) {
        problems.add(unsignedWebhook());
      }
      try {
        check(caller, ws, read.get().definition(), status == FlowStatus.ACTIVE);
      } catch (ValidationException e) {
        problems.addAll(e.violations());
      }
    }
    if (!problems.isEmpty()) {
      throw new ValidationException(problems);
    }
    FlowParser.Parsed parsed = read.orElseThrow();
    Instant now = clock.instant();
    Flow flow =
        new Flow(
            Ids.newId(),
            0,
            ws.id(),
            name,
            status,
            1,
            parsed.definition(),
            newHookId(),
            parsed.webhookSecret().isPresent(),
            caller.user().id(),
            1,
            now,
            now);
    repository.insert(flow, parsed.webhookSecret(), caller.user().id());
    Flow stored = repository.find(flow.id()).orElseThrow();
    timed.sync(stored);
    return stored;
  }

  public Flow get(Caller caller, String workspaceId, String id) {
    Workspace ws = tenancy.workspace(caller, workspaceId);
    return repository
        .find(id)
        .filter(f -> f.workspaceId().equals(ws.id()))
        .orElseThrow(() -> new NotFoundException("flow", id));
  }

  public Page<Flow> list(Caller caller, String workspaceId, PageRequest page) {
    Workspace ws = tenancy.workspace(caller, workspaceId);
    return Page.of(
        repository.list(ws.id(), page.afterOrZero(), page.size() + 1), page.size(), Flow::seq);
  }

  /**
   * Applies {@code change}. A new trigger or new steps make a new version; activating (or changing
   * an active flow) checks the whole flow, credentials' states included.
   */
  public Flow update(Caller caller, String workspaceId, String id, Change change) {
    for (int attempt = 0; ; attempt++) {
      Flow current = get(caller, workspaceId, id);
      Workspace ws = tenancy.findWorkspace(current.workspaceId()).orElseThrow();
      Optional<String> name = change.name().map(TenancyService::checkName);
      boolean newVersion = change.trigger().isPresent() || change.steps().isPresent();
      FlowDefinition definition = current.definition();
      Optional<Optional<Secret>> secret = Optional.empty();
      if (newVersion) {
        FlowParser.Parsed parsed =
            FlowParser.parse(
                change
                    .trigger()
                    .orElseGet(() -> FlowDefinition.triggerTree(current.definition().trigger())),
                change.steps().orElseGet(() -> current.definition().tree().get("steps")));
        definition = parsed.definition();
        if (change.trigger().isPresent()) {
          // A new trigger without a secret keeps the old one only if it is still a webhook.
          secret =
              parsed.webhookSecret().isPresent()
                  ? Optional.of(parsed.webhookSecret())
                  : definition.trigger() instanceof Trigger.Webhook w
                          && w.signatureHeader().isPresent()
                          && current.signed()
                      ? Optional.empty()
                      : Optional.of(Optional.empty());
          if (definition.trigger() instanceof Trigger.Webhook w
              && w.signatureHeader().isPresent()
              && !current.signed()
              && parsed.webhookSecret().isEmpty()) {
            throw new ValidationException(List.of(unsignedWebhook()));
          }
        }
      }
      FlowStatus status = change.status().orElse(current.status());
      check(caller, ws, definition, status == FlowStatus.ACTIVE);
      boolean signed = secret.isPresent() ? secret.get().isPresent() : current.signed();
      Flow updated =
          new Flow(
              current.id(),
              current.seq(),
              current.workspaceId(),
              name.orElse(current.name()),
              status,
              newVersion ? current.version() + 1 : current.version(),
              definition,
              current.hookId(),
              signed,
              caller.user().id(),
              current.revision() + 1,
              current.createdAt(),
              clock.instant());
      if (repository.update(updated, current.revision(), newVersion, secret, caller.user().id())) {
        Flow stored = repository.find(id).orElseThrow();
        timed.sync(stored);
        return stored;
      }
      if (attempt >= 3) {
        throw new ConflictException(
            "concurrent_update", "flow " + id + " was changed by someone else; try again");
      }
    }
  }

  /** The flow's draft, if one is being designed. */
  public Optional<FlowDraft> draft(Caller caller, String workspaceId, String id) {
    return repository.findDraft(get(caller, workspaceId, id).id());
  }

  /**
   * Keeps {@code trigger} and {@code steps} as the flow's draft, checked as a version is (parsed,
   * and every credential in the workspace and made for its step's component) but not for the
   * credentials' states, which publishing an active flow checks. Runs never see a draft. A signing
   * secret is set only by changing the flow itself: a draft's webhook trigger keeps the flow's.
   */
  public FlowDraft saveDraft(
      Caller caller, String workspaceId, String id, Object trigger, Object steps) {
    Flow current = get(caller, workspaceId, id);
    Workspace ws = tenancy.findWorkspace(current.workspaceId()).orElseThrow();
    FlowParser.Parsed parsed = FlowParser.parse(trigger, steps);
    List<Violation> problems = new ArrayList<>();
    if (parsed.webhookSecret().isPresent()) {
      problems.add(
          new Violation(
              "trigger/secret",
              "not_allowed",
              "a draft cannot set the webhook's secret: publish the draft, then set the secret on"
                  + " the flow (PATCH …/flows/{id})"));
    }
    try {
      check(caller, ws, parsed.definition(), false);
    } catch (ValidationException e) {
      problems.addAll(e.violations());
    }
    if (!problems.isEmpty()) {
      throw new ValidationException(problems);
    }
    int base =
        repository.findDraft(current.id()).map(FlowDraft::baseVersion).orElse(current.version());
    FlowDraft draft =
        new FlowDraft(current.id(), base, parsed.definition(), clock.instant(), caller.user().id());
    repository.saveDraft(draft);
    return repository.findDraft(current.id()).orElse(draft);
  }

  /** Drops the flow's draft; the flow stays as published. */
  public void discardDraft(Caller caller, String workspaceId, String id) {
    Flow flow = get(caller, workspaceId, id);
    if (!repository.deleteDraft(flow.id(), Optional.empty())) {
      throw noDraft(flow);
    }
  }

  /**
   * Makes the draft the flow's next version, checked as activating is (every credential must be
   * usable, whatever the flow's status), and drops it. A draft saved meanwhile by someone else
   * stays.
   */
  public Flow publish(Caller caller, String workspaceId, String id) {
    Flow flow = get(caller, workspaceId, id);
    FlowDraft draft = repository.findDraft(flow.id()).orElseThrow(() -> noDraft(flow));
    // What is published is meant to run: every credential must be usable, whatever the status.
    check(
        caller, tenancy.findWorkspace(flow.workspaceId()).orElseThrow(), draft.definition(), true);
    Map<String, Object> tree = draft.definition().tree();
    Flow published =
        update(
            caller,
            workspaceId,
            id,
            new Change(
                Optional.empty(),
                Optional.of(tree.get("trigger")),
                Optional.of(tree.get("steps")),
                Optional.empty()));
    repository.deleteDraft(flow.id(), Optional.of(draft.savedAt()));
    return published;
  }

  private static ConflictException noDraft(Flow flow) {
    return new ConflictException(
        "no_draft", "flow " + flow.id() + " has no draft: save one first (PUT …/flows/{id}/draft)");
  }

  /** Deletes a flow with its runs; refused while runs are still running. */
  public void delete(Caller caller, String workspaceId, String id) {
    Flow flow = get(caller, workspaceId, id);
    int running = repository.runningRuns(flow.id());
    if (running > 0) {
      throw new ConflictException(
          "flow_running",
          "flow "
              + flow.id()
              + " (\""
              + flow.name()
              + "\") has "
              + running
              + (running == 1 ? " run" : " runs")
              + " still running; cancel them or wait for them to end, then delete it");
    }
    timed.remove(flow.id());
    repository.delete(flow.id());
  }

  /** How many flows use each credential (any status). */
  public Map<String, Integer> flowCounts(List<String> credentialIds) {
    return credentialIds.isEmpty() ? Map.of() : repository.countFlowsUsing(credentialIds);
  }

  /** The flows using a credential, for its page. */
  public List<FlowRepository.FlowUse> flowsUsing(Caller caller, String workspaceId, String id) {
    credentials.get(caller, workspaceId, id);
    return repository.flowsUsing(id);
  }

  @Override
  public List<String> activeFlowsUsing(String credentialId) {
    return repository.flowsUsing(credentialId).stream()
        .filter(u -> u.status() == FlowStatus.ACTIVE)
        .map(u -> "\"" + u.name() + "\" (" + u.id() + ")")
        .toList();
  }

  /**
   * Checks what parsing cannot: every credential is in the workspace and made for the step's
   * component, which exists; when the flow is to be active, every credential is usable.
   */
  private void check(Caller caller, Workspace ws, FlowDefinition definition, boolean active) {
    List<Violation> problems = new ArrayList<>();
    if (definition.trigger() instanceof Trigger.Poll poll) {
      checkCredential(caller, ws, poll.credentialId(), Optional.empty(), "trigger", active)
          .ifPresent(problems::add);
    }
    for (int i = 0; i < definition.steps().size(); i++) {
      Step step = definition.steps().get(i);
      String base = "steps/" + i;
      if (components.find(caller, step.componentId()).isEmpty()) {
        problems.add(
            new Violation(
                base + "/component/id",
                "not_found",
                "component " + step.componentId() + " does not exist or is not yours to use"));
        continue;
      }
      checkCredential(
              caller, ws, step.credentialId(), Optional.of(step.componentId()), base, active)
          .ifPresent(problems::add);
    }
    if (!problems.isEmpty()) {
      throw new ValidationException(problems);
    }
  }

  private Optional<Violation> checkCredential(
      Caller caller,
      Workspace ws,
      String credentialId,
      Optional<String> componentId,
      String base,
      boolean active) {
    String field = base + "/credential/id";
    Credential credential;
    try {
      credential = credentials.get(caller, ws.id(), credentialId).credential();
    } catch (NotFoundException e) {
      return Optional.of(
          new Violation(
              field,
              "not_found",
              "credential " + credentialId + " is not in workspace " + ws.id()));
    } catch (CredflowException e) {
      return Optional.of(new Violation(field, e.code(), e.getMessage()));
    }
    if (componentId.isPresent() && !credential.componentId().equals(componentId.get())) {
      return Optional.of(
          new Violation(
              field,
              "component_mismatch",
              "credential "
                  + credentialId
                  + " was made for component "
                  + credential.componentId()
                  + ", but the step uses component "
                  + componentId.get()));
    }
    CredentialState state = credential.state();
    if (active && (state == CredentialState.NEEDS_REAUTH || state == CredentialState.ERROR)) {
      return Optional.of(
          new Violation(
              field,
              "credential_unusable",
              "credential "
                  + credentialId
                  + " (\""
                  + credential.name()
                  + "\") is "
                  + state.wireName()
                  + credential.error().map(e -> ": " + e.detail()).orElse("")
                  + "; reconnect or fix it before activating the flow"));
    }
    return Optional.empty();
  }

  /** A webhook that names a signature header but has no secret could never be called. */
  private static Violation unsignedWebhook() {
    return new Violation(
        "trigger/secret",
        "missing_member",
        "a webhook with a signatureHeader needs \"secret\": the key its signatures are made"
            + " with");
  }

  private String newHookId() {
    byte[] bytes = new byte[HOOK_ID_BYTES];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
