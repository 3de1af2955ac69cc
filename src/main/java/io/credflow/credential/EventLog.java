package io.credflow.credential;

import java.util.List;
import java.util.Optional;

/** The record of credential events, readable per workspace and per credential. */
public interface EventLog {
  void record(CredentialEvent event);

  /** Events of a workspace (of one credential when given) after {@code after}, oldest first. */
  List<CredentialEvent> list(
      String workspaceId, Optional<String> credentialId, long after, int limit);

  /**
   * The newest {@code limit} events of a workspace (of one credential when given), newest first.
   */
  List<CredentialEvent> latest(String workspaceId, Optional<String> credentialId, int limit);
}
