package io.credflow.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.credflow.common.NotFoundException;
import io.credflow.common.PageRequest;
import io.credflow.component.Component;
import io.credflow.console.view.Choice;
import io.credflow.console.view.CredentialChoice;
import io.credflow.console.view.FlowRow;
import io.credflow.console.view.RunPage;
import io.credflow.console.view.RunRow;
import io.credflow.console.view.StepForm;
import io.credflow.credential.Credential;
import io.credflow.credential.CredentialRepository;
import io.credflow.credential.CredentialService;
import io.credflow.executor.ErrorPolicy;
import io.credflow.flow.Flow;
import io.credflow.flow.Run;
import io.credflow.flow.RunService;
import io.credflow.flow.Step;
import io.credflow.flow.StepRun;
import io.credflow.tenancy.Workspace;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the flow and run pages share: a flow's row with its last run, a run's row and its steps as
 * shown (JSON pretty-printed, capped at {@link RunService#SHOWN_BYTES} as the API caps it), and the
 * choices of a step form.
 */
final class FlowViews {
  /** The methods a step form offers. */
  static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private final ConsolePages pages;

  FlowViews(ConsolePages pages) {
    this.pages = pages;
  }

  static String flowHref(Workspace ws, String flowId) {
    return "/w/" + ws.id() + "/flows/" + flowId;
  }

  private static final java.util.regex.Pattern DESIGNER_PAGE =
      java.util.regex.Pattern.compile(
          "/flows/[A-Za-z0-9]{1,40}/(steps/new|steps/[A-Za-z_][A-Za-z0-9_]{0,62}/edit|trigger/poll)");

  /**
   * {@code path} if it is a page of the flow designer in {@code ws}: where the credential form
   * opened from a step's "+" goes back to, with the new credential chosen. Nothing else is
   * followed, so the parameter cannot send anyone elsewhere.
   */
  static Optional<String> designerPage(Workspace ws, String path) {
    String prefix = "/w/" + ws.id();
    return path != null
            && path.startsWith(prefix + "/flows/")
            && DESIGNER_PAGE.matcher(path.substring(prefix.length())).matches()
        ? Optional.of(path)
        : Optional.empty();
  }

  static String runHref(Workspace ws, String runId) {
    return "/w/" + ws.id() + "/runs/" + runId;
  }

  /** A flow's row, with its newest run. */
  FlowRow row(Visit visit, Workspace ws, Flow f) {
    Optional<Run> last =
        pages
            .services()
            .runs()
            .runs(visit.caller(), ws.id(), f.id(), PageRequest.first(1))
            .items()
            .stream()
            .findFirst();
    return new FlowRow(
        f.id(),
        f.name(),
        f.status().wireName(),
        f.definition().trigger().type(),
        f.version(),
        last.map(r -> Labels.when(r.createdAt())),
        last.map(r -> r.status().wireName()),
        last.map(r -> runHref(ws, r.id())),
        flowHref(ws, f.id()));
  }

  RunRow runRow(Workspace ws, Run r) {
    return new RunRow(
        r.id(),
        r.status().wireName(),
        r.trigger(),
        r.flowVersion(),
        Labels.when(r.createdAt()),
        r.finishedAt().map(Labels::when),
        r.error(),
        runHref(ws, r.id()));
  }

  /** Each step of the run's version, with what it received and answered; pending until run. */
  List<RunPage.StepRun> steps(RunService.RunDetail detail) {
    List<Step> defined = detail.version().steps();
    Map<Integer, StepRun> ran = new java.util.HashMap<>();
    detail.steps().forEach(s -> ran.put(s.index(), s));
    List<RunPage.StepRun> out = new ArrayList<>();
    for (int i = 0; i < defined.size(); i++) {
      Step step = defined.get(i);
      Optional<StepRun> r = Optional.ofNullable(ran.get(i));
      if (r.isEmpty()) {
        out.add(
            new RunPage.StepRun(
                i + 1,
                step.id(),
                step.name(),
                "pending",
                0,
                0,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()));
        continue;
      }
      StepRun s = r.get();
      Object input =
          i == 0
              ? detail.run().message().get("body")
              : Optional.ofNullable(ran.get(i - 1)).flatMap(StepRun::output).orElse(null);
      Optional<String> took =
          s.startedAt().isPresent() && s.finishedAt().isPresent()
              ? Optional.of(duration(Duration.between(s.startedAt().get(), s.finishedAt().get())))
              : Optional.empty();
      out.add(
          new RunPage.StepRun(
              i + 1,
              step.id(),
              step.name(),
              s.status().wireName(),
              s.attempts(),
              s.rebounds(),
              Optional.of(shown(input)),
              s.output().map(FlowViews::shown),
              s.error(),
              s.startedAt().map(Labels::when),
              s.finishedAt().map(Labels::when),
              took));
    }
    return out;
  }

  private static String duration(Duration d) {
    long ms = Math.max(0, d.toMillis());
    return ms < 1000 ? ms + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
  }

  /**
   * A message or output pretty-printed; past {@link RunService#SHOWN_BYTES} of compact JSON, a note
   * and a preview of that many bytes, as the API shows it.
   */
  static String shown(Object value) {
    try {
      String compact = JSON.writeValueAsString(value);
      byte[] bytes = compact.getBytes(StandardCharsets.UTF_8);
      if (bytes.length > RunService.SHOWN_BYTES) {
        return "(truncated: "
            + bytes.length
            + " bytes of JSON; the first "
            + RunService.SHOWN_BYTES
            + " follow)\n"
            + new String(bytes, 0, RunService.SHOWN_BYTES, StandardCharsets.UTF_8);
      }
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      return String.valueOf(value);
    }
  }

  /** The choices of a step form: the workspace's credentials by component, methods, policies. */
  StepForm stepForm(Visit visit, Workspace ws, String chosenCredential) {
    CredentialService credentials = pages.services().credentials();
    List<CredentialChoice> groups = new ArrayList<>();
    for (Component c : pages.usableComponents(visit, ws)) {
      CredentialRepository.Filter filter =
          new CredentialRepository.Filter(Optional.of(c.id()), Optional.empty(), Optional.empty());
      List<Choice> choices =
          io.credflow.common.Page.all(
                  page -> credentials.list(visit.caller(), ws.id(), filter, page))
              .stream()
              .map(CredentialService.View::credential)
              .map(
                  cr ->
                      new Choice(
                          cr.id(),
                          cr.name()
                              + " · "
                              + Labels.type(cr.type(), Optional.of(c))
                              + " · "
                              + Labels.state(cr.state(), cr.lastVerification()),
                          cr.id().equals(chosenCredential)))
              .toList();
      groups.add(new CredentialChoice(c.id(), c.name(), choices));
    }
    return new StepForm(
        groups,
        METHODS,
        java.util.Arrays.stream(ErrorPolicy.values())
            .map(p -> new Choice(p.wireName(), Labels.errorPolicy(p), false))
            .toList());
  }

  /** The credential of the workspace with this id, if the user may see it. */
  Optional<Credential> credential(Visit visit, Workspace ws, String id) {
    if (id == null || id.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          pages.services().credentials().get(visit.caller(), ws.id(), id).credential());
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }
}
