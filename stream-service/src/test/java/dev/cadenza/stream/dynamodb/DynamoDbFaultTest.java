package dev.cadenza.stream.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/** Failures of DynamoDB calls as the SDK hands them over, each told apart. */
class DynamoDbFaultTest {

  @Test
  void bothThrottlingErrorsAreThrottled() {
    assertThat(
            DynamoDbFault.of(
                new CompletionException(
                    ProvisionedThroughputExceededException.builder()
                        .statusCode(400)
                        .awsErrorDetails(error("ProvisionedThroughputExceededException", 400))
                        .build())))
        .isEqualTo(DynamoDbFault.THROTTLED);
    assertThat(DynamoDbFault.of(answer("ThrottlingException", 400)))
        .isEqualTo(DynamoDbFault.THROTTLED);
    assertThat(DynamoDbFault.of(answer("RequestLimitExceeded", 400)))
        .isEqualTo(DynamoDbFault.THROTTLED);
  }

  @Test
  void otherAnswersAreOther() {
    assertThat(DynamoDbFault.of(answer("InternalServerError", 500))).isEqualTo(DynamoDbFault.OTHER);
    assertThat(DynamoDbFault.of(answer("ValidationException", 400))).isEqualTo(DynamoDbFault.OTHER);
    assertThat(DynamoDbFault.of(new IllegalStateException("a bug"))).isEqualTo(DynamoDbFault.OTHER);
  }

  @Test
  void noAnswerInTimeIsATimeout() {
    assertThat(DynamoDbFault.of(new CompletionException(ApiCallTimeoutException.create(1000))))
        .isEqualTo(DynamoDbFault.TIMEOUT);
    assertThat(DynamoDbFault.of(new Calls.CallTimeoutException(Duration.ofSeconds(1))))
        .isEqualTo(DynamoDbFault.TIMEOUT);
    assertThat(
            DynamoDbFault.of(
                SdkClientException.create(
                    "Acquire operation took too long", new TimeoutException())))
        .isEqualTo(DynamoDbFault.TIMEOUT);
  }

  @Test
  void aBrokenConnectionIsAResetAndNoConnectionIsUnreachable() {
    assertThat(
            DynamoDbFault.of(
                new CompletionException(
                    SdkClientException.create(
                        "The connection was closed during the request",
                        new IOException("Connection reset by peer")))))
        .isEqualTo(DynamoDbFault.RESET);
    assertThat(DynamoDbFault.of(SdkClientException.create("x", new SocketException("reset"))))
        .isEqualTo(DynamoDbFault.RESET);
    assertThat(
            DynamoDbFault.of(
                SdkClientException.create("x", new ConnectException("Connection refused"))))
        .isEqualTo(DynamoDbFault.UNREACHABLE);
  }

  @Test
  void tagsAreLowerCase() {
    assertThat(DynamoDbFault.THROTTLED.tag()).isEqualTo("throttled");
    assertThat(DynamoDbFault.UNREACHABLE.tag()).isEqualTo("unreachable");
  }

  private static DynamoDbException answer(String code, int status) {
    return (DynamoDbException)
        DynamoDbException.builder().statusCode(status).awsErrorDetails(error(code, status)).build();
  }

  private static AwsErrorDetails error(String code, int status) {
    return AwsErrorDetails.builder()
        .errorCode(code)
        .errorMessage(code)
        .serviceName("DynamoDb")
        .build();
  }
}
