package io.credflow.flow;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One version of a flow: its trigger and its steps, in order. Immutable once saved. */
public record FlowDefinition(Trigger trigger, List<Step> steps) {
  public FlowDefinition {
    steps = List.copyOf(steps);
  }

  /** Every credential the version uses: its steps' and a poll trigger's. */
  public Set<String> credentialIds() {
    Set<String> ids = new LinkedHashSet<>();
    if (trigger instanceof Trigger.Poll p) {
      ids.add(p.credentialId());
    }
    steps.forEach(s -> ids.add(s.credentialId()));
    return ids;
  }

  /**
   * The definition as plain JSON values, as the API takes it (without the webhook secret, which is
   * kept apart): stored as is and parsed again when read.
   */
  public Map<String, Object> tree() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("trigger", triggerTree(trigger));
    out.put("steps", steps.stream().map(FlowDefinition::stepTree).toList());
    return out;
  }

  static Map<String, Object> triggerTree(Trigger trigger) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("type", trigger.type());
    switch (trigger) {
      case Trigger.Manual m -> {}
      case Trigger.Webhook w -> w.signatureHeader().ifPresent(h -> t.put("signatureHeader", h));
      case Trigger.Schedule s -> {
        t.put("cron", s.cron());
        t.put("timeZone", s.zone().getId());
      }
      case Trigger.Poll p -> {
        t.put("cron", p.cron());
        t.put("timeZone", p.zone().getId());
        t.put("credential", Map.of("id", p.credentialId()));
        t.put("config", p.config());
      }
    }
    return t;
  }

  static Map<String, Object> stepTree(Step s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.id());
    m.put("name", s.name());
    m.put("component", Map.of("id", s.componentId()));
    m.put("function", s.function());
    m.put("credential", Map.of("id", s.credentialId()));
    m.put("config", s.config());
    return m;
  }
}
