package io.credflow.audit;

import java.util.Set;

/** The actions of the trail, as recorded and filtered on ({@code filter[type]}). */
public final class Actions {
  private Actions() {}

  public static final String CREDENTIAL_ACCESS = "credential.access";
  public static final String CREDENTIAL_REQUEST = "credential.request";
  public static final String CREDENTIAL_REFRESH = "credential.refresh";
  public static final String CREDENTIAL_REFRESH_REQUESTED = "credential.refresh_requested";
  public static final String CREDENTIAL_CREATED = "credential.created";
  public static final String CREDENTIAL_UPDATED = "credential.updated";
  public static final String CREDENTIAL_REAUTHENTICATED = "credential.reauthenticated";
  public static final String CREDENTIAL_DELETED = "credential.deleted";
  public static final String AUTH_CLIENT_CREATED = "auth-client.created";
  public static final String AUTH_CLIENT_UPDATED = "auth-client.updated";
  public static final String AUTH_CLIENT_DELETED = "auth-client.deleted";
  public static final String USER_CREATED = "user.created";
  public static final String USER_PASSWORD_SET = "user.password_set";
  public static final String USER_SETUP_LINK_CREATED = "user.setup_link_created";
  public static final String USER_SIGNED_IN = "user.signed_in";
  public static final String USER_SIGN_IN_FAILED = "user.sign_in_failed";
  public static final String MEMBERSHIP_GRANTED = "membership.granted";
  public static final String MEMBERSHIP_REVOKED = "membership.revoked";
  public static final String API_KEY_CREATED = "api-key.created";
  public static final String API_KEY_REVOKED = "api-key.revoked";

  /** Every action recorded. */
  public static final Set<String> ALL =
      Set.of(
          CREDENTIAL_ACCESS,
          CREDENTIAL_REQUEST,
          CREDENTIAL_REFRESH,
          CREDENTIAL_REFRESH_REQUESTED,
          CREDENTIAL_CREATED,
          CREDENTIAL_UPDATED,
          CREDENTIAL_REAUTHENTICATED,
          CREDENTIAL_DELETED,
          AUTH_CLIENT_CREATED,
          AUTH_CLIENT_UPDATED,
          AUTH_CLIENT_DELETED,
          USER_CREATED,
          USER_PASSWORD_SET,
          USER_SETUP_LINK_CREATED,
          USER_SIGNED_IN,
          USER_SIGN_IN_FAILED,
          MEMBERSHIP_GRANTED,
          MEMBERSHIP_REVOKED,
          API_KEY_CREATED,
          API_KEY_REVOKED);

  /**
   * Releases of a credential's secret for use: the per-credential view (the console's credential
   * page) lists these.
   */
  public static final Set<String> RELEASES = Set.of(CREDENTIAL_ACCESS, CREDENTIAL_REQUEST);
}
