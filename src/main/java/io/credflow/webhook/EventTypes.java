package io.credflow.webhook;

import io.credflow.credential.CredentialEvent;
import java.util.List;

/** The event types a subscription may name, and the one a ping sends. */
public final class EventTypes {
  /** A credential's access token expires soon (emitted by the expiry watch). */
  public static final String EXPIRING_SOON = "credential.expiring_soon";

  /** A flow's run failed (recorded by the flow engine with the failed step's credential). */
  public static final String RUN_FAILED = "run.failed";

  /** The test event {@code …/ping} sends; no subscription names it. */
  public static final String PING = "webhook.ping";

  /** Every type a subscription may name, in the order forms show them. */
  public static final List<String> SUBSCRIBABLE =
      List.of(
          CredentialEvent.CREATED,
          CredentialEvent.REFRESHED,
          CredentialEvent.REFRESH_FAILED,
          CredentialEvent.NEEDS_REAUTH,
          CredentialEvent.VERIFICATION_FAILED,
          EXPIRING_SOON,
          RUN_FAILED);

  private EventTypes() {}

  public static boolean subscribable(String type) {
    return SUBSCRIBABLE.contains(type);
  }
}
