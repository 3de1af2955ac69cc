package io.credflow.flow;

import io.credflow.executor.RequestSpec;
import java.time.ZoneId;
import java.util.Optional;

/** What starts a flow's runs. Only an active flow's trigger starts any. */
public sealed interface Trigger {
  /**
   * The trigger's name in the API: {@code manual}, {@code webhook}, {@code schedule}, {@code poll}.
   */
  String type();

  /** Runs start only through {@code POST …/flows/{id}/runs}. */
  record Manual() implements Trigger {
    @Override
    public String type() {
      return "manual";
    }
  }

  /**
   * Runs start when {@code {public URL}/hooks/{hook id}} is called with any method; with a {@code
   * signatureHeader}, only when that header carries the HMAC-SHA256 of the body under the flow's
   * webhook secret.
   */
  record Webhook(Optional<String> signatureHeader) implements Trigger {
    @Override
    public String type() {
      return "webhook";
    }
  }

  /** Runs start at every time the cron expression names, read in {@code zone}. */
  record Schedule(String cron, ZoneId zone) implements Trigger {
    @Override
    public String type() {
      return "schedule";
    }
  }

  /**
   * The REST API component's polling trigger: at every time the cron expression names, the request
   * {@code spec} is sent with the credential, and its result starts a run.
   */
  record Poll(String cron, ZoneId zone, String credentialId, Object config, RequestSpec spec)
      implements Trigger {
    @Override
    public String type() {
      return "poll";
    }
  }

  /** The cron expression and zone of a timed trigger, if this is one. */
  default Optional<Timed> timed() {
    return switch (this) {
      case Schedule s -> Optional.of(new Timed(s.cron(), s.zone()));
      case Poll p -> Optional.of(new Timed(p.cron(), p.zone()));
      case Manual m -> Optional.empty();
      case Webhook w -> Optional.empty();
    };
  }

  /** When a timed trigger fires. */
  record Timed(String cron, ZoneId zone) {}
}
