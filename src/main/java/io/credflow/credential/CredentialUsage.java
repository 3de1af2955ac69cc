package io.credflow.credential;

import java.util.List;

/** Who uses a credential in a way that must stop its deletion: active flows. */
@FunctionalInterface
public interface CredentialUsage {
  CredentialUsage NONE = id -> List.of();

  /** The active flows that use the credential, each named for people ("name" (id)). */
  List<String> activeFlowsUsing(String credentialId);
}
