package io.credflow.webhook;

import io.credflow.common.Transactions;
import io.credflow.credential.CredentialEvent;
import io.credflow.credential.EventLog;
import java.util.List;
import java.util.Optional;

/**
 * The event log every service records to: the log itself, and with each event its webhook
 * deliveries, in one transaction (the caller's when it has one, so that an event, the state change
 * it reports and its deliveries commit together).
 */
public final class WebhookEvents implements EventLog {
  private final EventLog log;
  private final WebhookDispatcher dispatcher;
  private final Transactions transactions;

  public WebhookEvents(EventLog log, WebhookDispatcher dispatcher, Transactions transactions) {
    this.log = log;
    this.dispatcher = dispatcher;
    this.transactions = transactions;
  }

  @Override
  public void record(CredentialEvent event) {
    transactions.inTransaction(
        () -> {
          log.record(event);
          dispatcher.enqueue(event);
        });
    if (EventTypes.subscribable(event.type())) {
      // The scheduler must see the deliveries when it looks: after the caller's commit.
      transactions.afterCommit(dispatcher::wake);
    }
  }

  @Override
  public List<CredentialEvent> list(
      String workspaceId, Optional<String> credentialId, long after, int limit) {
    return log.list(workspaceId, credentialId, after, limit);
  }

  @Override
  public List<CredentialEvent> latest(
      String workspaceId, Optional<String> credentialId, int limit) {
    return log.latest(workspaceId, credentialId, limit);
  }
}
