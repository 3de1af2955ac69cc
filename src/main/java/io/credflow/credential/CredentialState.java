package io.credflow.credential;

import java.util.Arrays;
import java.util.Optional;

/** Whether a credential can authorize requests now. */
public enum CredentialState {
  /** Usable. */
  READY("ready"),
  /** A person must authenticate again (refresh token revoked, no refresh token at expiry). */
  NEEDS_REAUTH("needs_reauth"),
  /** Expired and refreshing keeps failing for another reason. */
  ERROR("error");

  private final String wireName;

  CredentialState(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<CredentialState> fromWireName(String name) {
    return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst();
  }
}
