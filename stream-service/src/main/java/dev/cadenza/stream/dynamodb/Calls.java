package dev.cadenza.stream.dynamodb;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Calls of the async DynamoDB client: waited for from a background thread that may block ({@link
 * #await}), or composed into a request's reactive chain ({@link #mono}).
 */
public final class Calls {

  private Calls() {}

  /** No answer within the bound the caller gave. */
  public static final class CallTimeoutException extends RuntimeException {
    CallTimeoutException(Duration after) {
      super("no answer from DynamoDB within " + after);
    }
  }

  /**
   * The call's result, or the SDK's exception unwrapped (a checked cause wrapped in {@link
   * IllegalStateException}). Waits at most {@code bound}, then throws {@link CallTimeoutException}
   * and, when {@code cancelOnTimeout}, cancels the call; interruptible (the call is cancelled).
   */
  public static <T> T await(CompletableFuture<T> f, Duration bound, boolean cancelOnTimeout) {
    try {
      return f.get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause();
      while ((cause instanceof CompletionException || cause instanceof ExecutionException)
          && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(cause);
    } catch (TimeoutException e) {
      if (cancelOnTimeout) {
        f.cancel(true);
      }
      throw new CallTimeoutException(bound);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.cancel(true);
      throw new IllegalStateException("interrupted while waiting for DynamoDB", e);
    }
  }

  /**
   * The call as a {@link Mono} for a request's chain. A failed condition stays a {@link
   * ConditionalCheckFailedException} (the caller's answer, not a failure); every other failure, a
   * timeout included, becomes {@code unavailable}'s exception. The call bounds itself: a request a
   * client waits for sets {@code apiCallTimeout} to {@code cadenza.dynamodb.timeout} (the client's
   * own bound, {@link DynamoDbConfiguration#CALL_TIMEOUT}, is for background work). Not cancelled
   * with its subscriber: a write in flight lands or not, whoever still listens.
   */
  public static <T> Mono<T> mono(
      Supplier<CompletableFuture<T>> call, Function<Throwable, RuntimeException> unavailable) {
    return Mono.fromFuture(call, true)
        .onErrorMap(CompletionException.class, e -> e.getCause() != null ? e.getCause() : e)
        .onErrorMap(e -> !(e instanceof ConditionalCheckFailedException), unavailable);
  }

  /**
   * Whether a conditional write ({@link #mono}) landed: {@code true} when it did, {@code false}
   * when its condition failed; every other failure stays an error.
   */
  public static Mono<Boolean> conditional(Mono<?> write) {
    return write
        .thenReturn(true)
        .onErrorResume(ConditionalCheckFailedException.class, e -> Mono.just(false));
  }
}
