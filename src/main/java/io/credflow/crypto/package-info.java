/**
 * Secrets at rest: Tink AEAD (AES-256-GCM) encryption of secret fields, bound to their row and
 * field by associated data, and the keyset file on disk with its creation, loading and key
 * rotation.
 */
package io.credflow.crypto;
