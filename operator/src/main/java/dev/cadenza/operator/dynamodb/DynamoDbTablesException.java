package dev.cadenza.operator.dynamodb;

import java.net.URI;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * A DynamoDB call failed in a way that stops the tables' reconciliation: the endpoint cannot be
 * reached, the credentials are refused, or DynamoDB answered with an unexpected error. The message
 * names the operation, the table and the endpoint; {@link #reason()} is short enough for a
 * condition's reason. The caller retries later (the client itself retries once at most).
 */
public class DynamoDbTablesException extends RuntimeException {

  /** Why the call failed. */
  public enum Reason {
    /** No answer: connection refused, DNS failure, timeout. */
    DynamoDbUnreachable,
    /** The credentials are missing, invalid or not allowed to do this. */
    DynamoDbAccessDenied,
    /** Any other error answered by DynamoDB. */
    DynamoDbError
  }

  private static final Set<String> ACCESS_DENIED_CODES =
      Set.of(
          "AccessDeniedException",
          "UnrecognizedClientException",
          "InvalidSignatureException",
          "MissingAuthenticationTokenException",
          "IncompleteSignatureException",
          "ExpiredTokenException",
          "InvalidClientTokenId",
          "SignatureDoesNotMatch");

  private final Reason reason;

  public DynamoDbTablesException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** Why the call failed. */
  public Reason reason() {
    return reason;
  }

  /** Wraps an SDK failure of {@code operation} on {@code table} with a message that says why. */
  static DynamoDbTablesException of(
      SdkException e, String operation, String table, URI endpoint, String region) {
    String where =
        "DynamoDB " + (endpoint == null ? "in " + region : "at " + endpoint + " (" + region + ")");
    if (e instanceof AwsServiceException service) {
      String code =
          service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
      boolean denied = service.statusCode() == 403 || ACCESS_DENIED_CODES.contains(code);
      return new DynamoDbTablesException(
          denied ? Reason.DynamoDbAccessDenied : Reason.DynamoDbError,
          operation
              + " "
              + table
              + " failed: "
              + where
              + (denied ? " refused the credentials: " : " answered: ")
              + describe(service),
          e);
    }
    String cause = e.getMessage();
    if (e instanceof SdkClientException && e.getCause() != null) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      cause = root.getClass().getSimpleName() + ": " + root.getMessage();
    }
    return new DynamoDbTablesException(
        Reason.DynamoDbUnreachable,
        operation + " " + table + " failed: " + where + " is unreachable: " + cause,
        e);
  }

  /** Whether DynamoDB refused the credentials (or their permissions). */
  static boolean accessDenied(AwsServiceException e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    return e.statusCode() == 403 || ACCESS_DENIED_CODES.contains(code);
  }

  private static String describe(AwsServiceException e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
    StringBuilder b = new StringBuilder();
    b.append(code == null ? "HTTP " + e.statusCode() : code);
    if (message != null && !message.isBlank()) {
      b.append(": ").append(message);
    }
    return b.toString();
  }
}
