package io.credflow.tenancy;

import io.credflow.common.ForbiddenException;

/** Access rules shared by the features that own resources at a level of the tree. */
public final class Access {
  private Access() {}

  /** Throws 403 unless the caller is an admin at {@code at}; {@code what} names the resource. */
  public static void requireAdmin(Caller caller, Location at, String what) {
    if (!caller.isAdminAt(at)) {
      throw new ForbiddenException("user " + caller.user().email() + " is not an admin of " + what);
    }
  }
}
