package dev.cadenza.stream.dynamodb;

import java.io.IOException;
import java.net.ConnectException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * What kind of failure a DynamoDB call ended in, for metrics ({@code kind} tags) and health
 * details: an operator acts differently on each. Throttling asks for capacity (or less traffic),
 * timeouts for a look at latency, resets and unreachable endpoints for the network.
 */
public enum DynamoDbFault {
  /** DynamoDB refused the call for capacity: {@code ProvisionedThroughputExceeded}, throttling. */
  THROTTLED,
  /** No answer within the call's bound (ours, the SDK's, or a read timeout). */
  TIMEOUT,
  /** The connection broke during the call: reset, or closed before the whole answer came. */
  RESET,
  /** No connection could be made: refused, or the connect timed out. */
  UNREACHABLE,
  /** Anything else: another error answer (a 5xx, a validation error), or a bug. */
  OTHER;

  /** The tag value: {@code throttled}, {@code timeout}, ... */
  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind of {@code error}, looked for along its causes (wrappers of the SDK and futures). */
  public static DynamoDbFault of(Throwable error) {
    int depth = 0;
    for (Throwable e = error; e != null && depth < 16; e = e.getCause(), depth++) {
      if (e instanceof SdkServiceException answered) {
        // DynamoDB answered: its error code says whether it was for capacity
        return answered.isThrottlingException() ? THROTTLED : OTHER;
      }
      if (e instanceof ApiCallTimeoutException
          || e instanceof ApiCallAttemptTimeoutException
          || e instanceof TimeoutException
          || e instanceof Calls.CallTimeoutException
          || e.getClass().getSimpleName().contains("Timeout")) {
        // Netty's ReadTimeoutException and WriteTimeoutException among them
        return e instanceof ConnectException ? UNREACHABLE : TIMEOUT;
      }
      if (e instanceof ConnectException) {
        return UNREACHABLE;
      }
      if (e instanceof IOException) {
        return RESET;
      }
    }
    return OTHER;
  }
}
