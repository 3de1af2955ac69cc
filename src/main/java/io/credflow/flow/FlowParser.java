package io.credflow.flow;

import com.github.kagkarlsson.scheduler.task.schedule.CronSchedule;
import io.credflow.common.Members;
import io.credflow.common.Secret;
import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import io.credflow.executor.RequestSpec;
import io.credflow.executor.SpecParser;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a flow's {@code trigger} and {@code steps} (parsed JSON) into a {@link FlowDefinition},
 * collecting every problem with its field ({@code steps/1/config/reader/url}) so one answer lists
 * them all. What needs the database (do the credentials exist, may the workspace use them) is
 * checked by {@link FlowService}.
 */
public final class FlowParser {
  public static final int MAX_STEPS = 50;

  /** A step id is used in JSONata ({@code $getPassthrough().step1}): a plain identifier. */
  private static final Pattern STEP_ID = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");
  private static final List<String> TRIGGERS = List.of("manual", "webhook", "schedule", "poll");
  private static final Set<String> STEP_MEMBERS =
      Set.of("id", "name", "component", "function", "credential", "config");

  /** Where a step's passthrough holds the trigger's message. */
  public static final String TRIGGER_KEY = "trigger";

  private static final int MAX_SECRET = 512;
  private static final int MIN_SECRET = 16;

  /** A parsed definition, and the webhook secret when the trigger set one (kept apart). */
  public record Parsed(FlowDefinition definition, Optional<Secret> webhookSecret) {}

  private final List<Violation> violations = new ArrayList<>();

  private FlowParser() {}

  /**
   * Parses {@code trigger} (field {@code trigger}) and {@code steps} (field {@code steps}).
   *
   * @throws ValidationException with every problem found
   */
  public static Parsed parse(Object trigger, Object steps) {
    FlowParser parser = new FlowParser();
    Optional<TriggerAndSecret> t = parser.trigger(trigger);
    List<Step> parsedSteps = parser.steps(steps);
    if (!parser.violations.isEmpty()) {
      throw new ValidationException(parser.violations);
    }
    return new Parsed(
        new FlowDefinition(t.orElseThrow().trigger(), parsedSteps), t.orElseThrow().secret());
  }

  /** A stored definition, read again: it was valid when stored. */
  @SuppressWarnings("unchecked")
  public static FlowDefinition stored(Map<String, Object> tree) {
    return parse(tree.get("trigger"), tree.get("steps")).definition();
  }

  private record TriggerAndSecret(Trigger trigger, Optional<Secret> secret) {}

  private Optional<TriggerAndSecret> trigger(Object tree) {
    if (tree == null) {
      violations.add(
          new Violation(
              "trigger",
              "missing_member",
              "a flow needs a \"trigger\": {\"type\": one of " + TRIGGERS + "}"));
      return Optional.empty();
    }
    Members m = Members.of(tree, "trigger", "triggers");
    String type = m.oneOf("type", TRIGGERS, "");
    if (!m.has("type")) {
      m.violation("type", "missing_member", "a trigger needs \"type\": one of " + TRIGGERS);
    }
    Optional<TriggerAndSecret> out =
        switch (type) {
          case "manual" -> {
            m.allowOnly(Set.of("type"));
            yield Optional.of(new TriggerAndSecret(new Trigger.Manual(), Optional.empty()));
          }
          case "webhook" -> webhook(m);
          case "schedule" -> {
            m.allowOnly(Set.of("type", "cron", "timeZone"));
            Optional<String> cron = cron(m);
            Optional<ZoneId> zone = zone(m);
            yield cron.isPresent() && zone.isPresent()
                ? Optional.of(
                    new TriggerAndSecret(
                        new Trigger.Schedule(cron.get(), zone.get()), Optional.empty()))
                : Optional.empty();
          }
          case "poll" -> poll(m);
          default -> Optional.empty();
        };
    violations.addAll(m.violations());
    return out;
  }

  private Optional<TriggerAndSecret> webhook(Members m) {
    m.allowOnly(Set.of("type", "signatureHeader", "secret"));
    Optional<String> header = m.string("signatureHeader", false);
    if (header.isPresent() && !HEADER_NAME.matcher(header.get()).matches()) {
      m.violation(
          "signatureHeader",
          "invalid_value",
          "signatureHeader must be an HTTP header name (letters, digits and - . _ ~ ! # $ & ' * +"
              + " ^ ` |), e.g. X-Signature");
      header = Optional.empty();
    }
    Optional<Secret> secret = m.secret("secret", false);
    if (secret.isPresent()
        && (secret.get().reveal().length() < MIN_SECRET
            || secret.get().reveal().length() > MAX_SECRET)) {
      m.violation(
          "secret",
          "invalid_value",
          "secret must be "
              + MIN_SECRET
              + " to "
              + MAX_SECRET
              + " characters: the key of the webhook's HMAC-SHA256 signature");
      secret = Optional.empty();
    }
    if (m.has("secret") && !m.has("signatureHeader")) {
      m.violation(
          "signatureHeader",
          "missing_member",
          "a webhook with a secret needs \"signatureHeader\": the header its signature comes in");
    }
    return Optional.of(new TriggerAndSecret(new Trigger.Webhook(header), secret));
  }

  private Optional<TriggerAndSecret> poll(Members m) {
    m.allowOnly(Set.of("type", "cron", "timeZone", "credential", "config"));
    Optional<String> cron = cron(m);
    Optional<ZoneId> zone = zone(m);
    Optional<String> credential = reference(m, "credential");
    Optional<RequestSpec> spec = config(m);
    if (cron.isEmpty() || zone.isEmpty() || credential.isEmpty() || spec.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new TriggerAndSecret(
            new Trigger.Poll(cron.get(), zone.get(), credential.get(), m.get("config"), spec.get()),
            Optional.empty()));
  }

  private static Optional<String> cron(Members m) {
    Optional<String> cron = m.string("cron", true);
    if (cron.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> problem = cronProblem(cron.get());
    if (problem.isPresent()) {
      m.violation("cron", "invalid_cron", problem.get());
      return Optional.empty();
    }
    return cron;
  }

  /** Why {@code cron} is not a cron expression Credflow runs, if it is not. */
  static Optional<String> cronProblem(String cron) {
    if (cron.strip().equals("-")) {
      return Optional.of("cron \"-\" never fires; set the flow inactive instead");
    }
    try {
      new CronSchedule(cron, ZoneOffset.UTC);
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.of(
          "cron must have six fields (second minute hour day-of-month month day-of-week), e.g."
              + " \"0 */15 * * * *\" for every 15 minutes: "
              + e.getMessage());
    }
  }

  private static Optional<ZoneId> zone(Members m) {
    Optional<String> name = m.string("timeZone", false);
    if (name.isEmpty()) {
      return m.has("timeZone") ? Optional.empty() : Optional.of(ZoneOffset.UTC);
    }
    try {
      return Optional.of(ZoneId.of(name.get()));
    } catch (DateTimeException e) {
      m.violation(
          "timeZone",
          "invalid_value",
          "timeZone must be a time zone id such as \"Europe/Berlin\" or \"UTC\", was \""
              + name.get()
              + "\"");
      return Optional.empty();
    }
  }

  private Optional<RequestSpec> config(Members m) {
    if (!m.has("config")) {
      m.violation(
          "config", "missing_member", "a request needs \"config\": the request configuration");
      return Optional.empty();
    }
    try {
      return Optional.of(SpecParser.parseCached(m.get("config"), m.field("config")));
    } catch (ValidationException e) {
      violations.addAll(e.violations());
      return Optional.empty();
    }
  }

  /** A member of the form {@code {"id": "…"}}. */
  private Optional<String> reference(Members m, String name) {
    if (!m.has(name)) {
      m.violation(name, "missing_member", "\"" + name + "\" is needed: {\"id\": \"…\"}");
      return Optional.empty();
    }
    Members ref = Members.of(m.get(name), m.field(name), name + "s");
    ref.allowOnly(Set.of("id"));
    Optional<String> id = ref.string("id", true);
    violations.addAll(ref.violations());
    return ref.violations().isEmpty() ? id : Optional.empty();
  }

  private List<Step> steps(Object tree) {
    if (tree == null) {
      violations.add(
          new Violation("steps", "missing_member", "a flow needs \"steps\": a list of steps"));
      return List.of();
    }
    if (!(tree instanceof List<?> list)) {
      violations.add(new Violation("steps", "invalid_type", "steps must be a JSON array"));
      return List.of();
    }
    if (list.isEmpty() || list.size() > MAX_STEPS) {
      violations.add(
          new Violation(
              "steps",
              "invalid_value",
              "a flow has 1 to " + MAX_STEPS + " steps, this one has " + list.size()));
      return List.of();
    }
    List<Step> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      step(list.get(i), "steps/" + i, ids).ifPresent(out::add);
    }
    return out;
  }

  private Optional<Step> step(Object tree, String base, Set<String> ids) {
    Members m = Members.of(tree, base, "steps");
    m.allowOnly(STEP_MEMBERS);
    Optional<String> id = m.string("id", true);
    if (id.isPresent() && !STEP_ID.matcher(id.get()).matches()) {
      m.violation(
          "id",
          "invalid_value",
          "a step id is a letter or _ followed by up to 63 letters, digits or _ (it names the"
              + " step's output in $getPassthrough()), was \""
              + id.get()
              + "\"");
      id = Optional.empty();
    } else if (id.isPresent() && id.get().equals(TRIGGER_KEY)) {
      m.violation(
          "id",
          "reserved_value",
          "step id \"trigger\" is taken: $getPassthrough().trigger is the trigger's message");
      id = Optional.empty();
    } else if (id.isPresent() && !ids.add(id.get())) {
      m.violation("id", "duplicate_value", "step id \"" + id.get() + "\" is used twice");
      id = Optional.empty();
    }
    Optional<String> name = m.string("name", false);
    if (name.isPresent() && name.get().length() > 200) {
      m.violation("name", "member_too_long", "name must be at most 200 characters");
    }
    String function = m.oneOf("function", List.of(Step.HTTP_REQUEST), Step.HTTP_REQUEST);
    Optional<String> component = reference(m, "component");
    Optional<String> credential = reference(m, "credential");
    Optional<RequestSpec> spec = config(m);
    violations.addAll(m.violations());
    if (id.isEmpty()
        || component.isEmpty()
        || credential.isEmpty()
        || spec.isEmpty()
        || !m.violations().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Step(
            id.get(),
            name.orElse(id.get()),
            component.get(),
            function,
            credential.get(),
            m.get("config"),
            spec.get()));
  }
}
