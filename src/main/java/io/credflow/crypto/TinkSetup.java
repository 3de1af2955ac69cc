package io.credflow.crypto;

import com.google.crypto.tink.aead.AeadConfig;
import java.security.GeneralSecurityException;

/** Registers Tink's AEAD key types exactly once, on first use (class initialization is atomic). */
final class TinkSetup {
  static {
    try {
      AeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not register Tink's AEAD key types", e);
    }
  }

  private TinkSetup() {}

  /** Makes sure the registration above has run; cheap after the first call. */
  static void ensureRegistered() {
    // The static initializer does the work.
  }
}
