package io.credflow.executor;

import io.credflow.authclient.VerifyRequest;
import io.credflow.common.CredflowException;
import io.credflow.common.NotFoundException;
import io.credflow.common.UpstreamException;
import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import io.credflow.credential.Credential;
import io.credflow.credential.CredentialService;
import io.credflow.credential.Verification;
import io.credflow.tenancy.Caller;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpStatus;

/**
 * Verifies credentials: a credential's verify request (its own, else its auth-client's) goes
 * through the request executor like any request, with the credential's authorization and under the
 * outbound guard, and a 2xx answer means the credential works; the credential service records the
 * outcome. The same reading of a verify request checks one when it is written ({@link #check}).
 *
 * <p>A verify request is a request spec's {@code reader}. It is sent once (no retries), follows
 * redirects as requests do, waits at most {@link #TIMEOUT_MS} ms, and every status is an answer: an
 * OAuth2 401 still refreshes the token and tries once more first. As a convenience, a {@code url}
 * that is a plain absolute http(s) URL (which is not valid JSONata) is taken as that URL.
 */
public final class VerifyService {
  /** How long a verify request waits for an answer. */
  public static final long TIMEOUT_MS = 30_000;

  private static final String READER = "reader";

  private final CredentialService credentials;
  private final RestApiAction action;

  public VerifyService(CredentialService credentials, RestApiAction action) {
    this.credentials = credentials;
    this.action = action;
  }

  /** Verifies credential {@code id} of workspace {@code workspaceId} and records the outcome. */
  public CredentialService.Verified verify(Caller caller, String workspaceId, String id) {
    return credentials.verify(caller, workspaceId, id, this::send);
  }

  /**
   * Refuses {@code request} unless it is a reader the executor can send; violations name fields
   * under {@code field}. The {@link VerifyRequest.Check} of auth-clients and credentials.
   */
  public static void check(VerifyRequest request, String field) {
    spec(request, field);
  }

  private Verification.Answer send(Caller caller, Credential credential, VerifyRequest request) {
    RequestSpec spec = spec(request, CredentialService.VERIFY_REQUEST);
    try {
      RequestResult result =
          action.execute(
              caller, credential.workspaceId(), credential.id(), spec, Message.of(null, null));
      int status = result.statusCode();
      return new Verification.Answer(
          Optional.of(status),
          "answered "
              + status
              + " "
              + HttpStatus.getMessage(status)
              + (status >= 200 && status < 300
                  ? account(result.responseBody()).map(a -> " for account " + a).orElse("")
                  : ""));
    } catch (NotFoundException e) {
      throw e;
    } catch (UpstreamException | ReboundException e) {
      // Unreachable, timed out, too many redirects: the executor's message, secrets masked.
      return new Verification.Answer(Optional.empty(), "got no answer: " + e.getMessage());
    } catch (CredflowException e) {
      // Refused by the guard, an expression that fails, a credential that is not ready.
      return new Verification.Answer(Optional.empty(), "was not sent: " + e.getMessage());
    }
  }

  /** Members that name the account a token acts for, in the order providers commonly use them. */
  private static final List<String> ACCOUNT_MEMBERS =
      List.of("email", "username", "login", "name", "preferred_username", "sub", "id");

  private static final int MAX_ACCOUNT = 120;

  /**
   * The account a verify answer names (e.g. a userinfo or "me" endpoint's {@code email} or {@code
   * username}), so that a person sees which account a credential is connected to. Only short,
   * printable strings or numbers are taken.
   */
  static Optional<String> account(Object body) {
    if (!(body instanceof Map<?, ?> members)) {
      return Optional.empty();
    }
    for (String name : ACCOUNT_MEMBERS) {
      Object value = members.get(name);
      if (value instanceof String text
          && !text.isBlank()
          && text.length() <= MAX_ACCOUNT
          && text.chars().noneMatch(Character::isISOControl)) {
        return Optional.of(text);
      }
      if (value instanceof Number n) {
        return Optional.of(n.toString());
      }
    }
    return Optional.empty();
  }

  /** The spec that sends {@code request}, or every problem of it under {@code field}. */
  private static RequestSpec spec(VerifyRequest request, String field) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put(READER, literalUrl(request.reader()));
    config.put("errorPolicy", ErrorPolicy.THROW_ERROR.wireName());
    config.put("ignoreErrorCodes", "100-599");
    config.put("maxRetries", 1);
    config.put("requestTimeoutPeriod", TIMEOUT_MS);
    try {
      return SpecParser.parse(config, "");
    } catch (ValidationException e) {
      List<Violation> moved = new ArrayList<>();
      for (Violation v : e.violations()) {
        moved.add(new Violation(under(v.field(), field), v.code(), v.detail()));
      }
      throw new ValidationException(moved);
    }
  }

  /** A field of the parsed reader ({@code reader/url}) as a field of the verify request. */
  private static String under(String readerField, String field) {
    if (readerField.equals(READER)) {
      return field;
    }
    return readerField.startsWith(READER + "/")
        ? field + readerField.substring(READER.length())
        : field;
  }

  /**
   * The reader with a plain absolute http(s) {@code url} quoted as the JSONata literal it means.
   */
  private static Map<String, Object> literalUrl(Map<String, Object> reader) {
    if (!(reader.get("url") instanceof String url) || !isPlainUrl(url)) {
      return reader;
    }
    Map<String, Object> quoted = new LinkedHashMap<>(reader);
    quoted.put("url", "\"" + url.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    return quoted;
  }

  private static boolean isPlainUrl(String s) {
    String lower = s.toLowerCase(Locale.ROOT);
    if (!(lower.startsWith("http://") || lower.startsWith("https://"))
        || s.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '\\')) {
      return false;
    }
    try {
      return new URI(s).getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
