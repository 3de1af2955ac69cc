package io.credflow.credential;

import io.credflow.common.ConflictException;
import io.credflow.common.NotFoundException;
import java.util.function.UnaryOperator;

/**
 * The one way a credential is changed: a change is applied to the credential as stored and written
 * with a compare-and-set on its version; when another writer got there first, the credential is
 * read again and the change applied again, a bounded number of times. Nothing is ever
 * read-modify-written without the version check.
 */
public final class CredentialUpdates {
  /** Rounds of read, change, compare-and-set before giving up with a conflict. */
  public static final int ATTEMPTS = 5;

  private final CredentialRepository repository;

  public CredentialUpdates(CredentialRepository repository) {
    this.repository = repository;
  }

  /**
   * What an update did: the credential as written (its version one higher) or, when the change
   * returned its argument unchanged, as it stood.
   */
  public record Updated(Credential credential, boolean written) {}

  /**
   * Reads credential {@code id} and applies {@code change}; see {@link #update(Credential,
   * UnaryOperator)}.
   */
  public Updated update(String id, UnaryOperator<Credential> change) {
    return update(read(id), change);
  }

  /**
   * Applies {@code change} to {@code known} (a credential already read, which saves a read when it
   * is still current) and writes it with a compare-and-set; on a conflict, reads the credential
   * again and applies {@code change} to that. A change that returns its argument unchanged writes
   * nothing: that is how a change declines (e.g. a refresh finding the grant replaced meanwhile).
   *
   * @throws NotFoundException when the credential was deleted meanwhile
   * @throws ConflictException {@code version_conflict} when it kept changing for {@link #ATTEMPTS}
   *     rounds
   */
  public Updated update(Credential known, UnaryOperator<Credential> change) {
    Credential current = known;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Credential changed = change.apply(current);
      if (changed == current) {
        return new Updated(current, false);
      }
      if (repository.compareAndSet(changed)) {
        return new Updated(changed.withVersion(changed.version() + 1), true);
      }
      current = read(known.id());
    }
    throw new ConflictException(
        "version_conflict",
        "credential " + known.id() + " kept changing while it was written; send the change again");
  }

  private Credential read(String id) {
    return repository.find(id).orElseThrow(() -> new NotFoundException("credential", id));
  }
}
