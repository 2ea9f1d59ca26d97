package dev.cadenza.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadenza.testsupport.DynamoDbFaultProxy.Outcome;
import dev.cadenza.testsupport.DynamoDbFaultProxy.Throttling;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Each fault of the proxy as the AWS SDK sees it, with dynalite behind it. */
@ExtendWith(DynaliteExtension.class)
class DynamoDbFaultProxyTest {

  static DynamoDbFaultProxy proxy;
  static DynamoDbClient client;

  static final Map<String, AttributeValue> KEY = Map.of("pk", AttributeValue.fromS("a"));

  @BeforeAll
  static void start(Dynalite dynalite) {
    proxy = DynamoDbFaultProxy.start(dynalite.endpoint());
    client =
        DynamoDbClient.builder()
            .endpointOverride(proxy.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            // one attempt per call: each request the proxy counts is one call here
            .overrideConfiguration(
                o ->
                    o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(Duration.ofSeconds(5)))
            .build();
    client.createTable(
        b ->
            b.tableName("faults")
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
                .attributeDefinitions(
                    a -> a.attributeName("pk").attributeType(ScalarAttributeType.S)));
    client.waiter().waitUntilTableExists(b -> b.tableName("faults"));
    client.putItem(b -> b.tableName("faults").item(Map.of("pk", AttributeValue.fromS("a"))));
  }

  @AfterAll
  static void stop() {
    client.close();
    proxy.close();
  }

  @AfterEach
  void heal() {
    proxy.heal();
  }

  @Test
  void forwardsAndCountsEachRequestByOperationAndTable() {
    DynamoDbFaultProxy.Tally before = proxy.tally();
    assertThat(client.getItem(b -> b.tableName("faults").key(KEY)).item()).containsKey("pk");
    client.batchGetItem(
        b -> b.requestItems(Map.of("faults", KeysAndAttributes.builder().keys(KEY).build())));

    DynamoDbFaultProxy.Tally since = proxy.tally().minus(before);
    assertThat(since.count(r -> r.equals(req("GetItem", Outcome.FORWARDED)))).isEqualTo(1);
    assertThat(since.count(r -> r.equals(req("BatchGetItem", Outcome.FORWARDED)))).isEqualTo(1);
    assertThat(since.count("faults", Set.of("GetItem", "BatchGetItem"))).isEqualTo(2);
    assertThat(since.total()).isEqualTo(2);
  }

  @Test
  void throttlesWithDynamoDbsOwnErrors() {
    proxy.throttle(1.0, Throttling.PROVISIONED_THROUGHPUT_EXCEEDED);
    assertThatThrownBy(() -> client.getItem(b -> b.tableName("faults").key(KEY)))
        .isInstanceOfSatisfying(
            ProvisionedThroughputExceededException.class,
            e -> assertThat(e.isThrottlingException()).isTrue());

    proxy.throttle(1.0, Throttling.THROTTLING);
    assertThatThrownBy(() -> client.getItem(b -> b.tableName("faults").key(KEY)))
        .isInstanceOfSatisfying(
            DynamoDbException.class,
            e -> {
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.isThrottlingException()).isTrue();
            });

    DynamoDbFaultProxy.Tally before = proxy.tally();
    proxy.throttle(0.5);
    int failed = 0;
    for (int i = 0; i < 40; i++) {
      try {
        client.getItem(b -> b.tableName("faults").key(KEY));
      } catch (DynamoDbException e) {
        failed++;
      }
    }
    DynamoDbFaultProxy.Tally since = proxy.tally().minus(before);
    assertThat(since.count(r -> r.outcome() == Outcome.THROTTLED)).isEqualTo(failed);
    assertThat(since.count(r -> r.outcome() == Outcome.FORWARDED)).isEqualTo(40 - failed);
    assertThat(failed).isBetween(5, 35);
  }

  @Test
  void resetsConnectionsInTheRequestAndInTheAnswer() {
    DynamoDbFaultProxy.Tally before = proxy.tally();
    proxy.reset(1.0);
    for (int i = 0; i < 12; i++) {
      assertThatThrownBy(() -> client.getItem(b -> b.tableName("faults").key(KEY)))
          .isInstanceOf(SdkClientException.class);
    }
    DynamoDbFaultProxy.Tally since = proxy.tally().minus(before);
    assertThat(since.count(r -> r.outcome() == Outcome.RESET_IN_REQUEST)).isPositive();
    assertThat(since.count(r -> r.outcome() == Outcome.RESET_IN_RESPONSE)).isPositive();
    assertThat(since.total()).isEqualTo(12);

    proxy.heal();
    assertThat(client.getItem(b -> b.tableName("faults").key(KEY)).item()).containsKey("pk");
  }

  @Test
  void aFrozenProxyAnswersNothingUntilThawed() {
    proxy.freeze();
    assertThatThrownBy(
            () ->
                client.getItem(
                    b ->
                        b.tableName("faults")
                            .key(KEY)
                            .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofMillis(300)))))
        .isInstanceOf(ApiCallTimeoutException.class);
    assertThat(proxy.tally().count(r -> r.outcome() == Outcome.FROZEN)).isEqualTo(1);

    proxy.thaw();
    assertThat(client.getItem(b -> b.tableName("faults").key(KEY)).item()).containsKey("pk");
  }

  @Test
  void addedLatencyDelaysEveryAnswer() {
    proxy.latency(Duration.ofMillis(400), Duration.ZERO);
    // a lower bound only: the answer cannot come before the proxy lets it go
    assertThatThrownBy(
            () ->
                client.getItem(
                    b ->
                        b.tableName("faults")
                            .key(KEY)
                            .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofMillis(100)))))
        .isInstanceOf(ApiCallTimeoutException.class);
    long start = System.nanoTime();
    client.getItem(b -> b.tableName("faults").key(KEY));
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(400));
  }

  private static DynamoDbFaultProxy.Request req(String operation, Outcome outcome) {
    return new DynamoDbFaultProxy.Request(operation, "faults", outcome);
  }
}
