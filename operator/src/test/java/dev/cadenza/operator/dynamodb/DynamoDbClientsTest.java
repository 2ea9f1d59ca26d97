package dev.cadenza.operator.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadenza.operator.crd.v1alpha1.DynamoDb;
import dev.cadenza.operator.dynamodb.DynamoDbClients.StaticCredentials;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@link DynamoDbClients}: targets, caching, closing, and failing fast. */
@Timeout(60)
class DynamoDbClientsTest {

  private static final StaticCredentials KEYS = new StaticCredentials("AKIDEXAMPLE", "s3cr3t");

  @Test
  void fillsInTheOperatorsRegionAndParsesTheEndpoint() {
    try (DynamoDbClients clients = new DynamoDbClients("eu-west-1")) {
      assertThat(clients.target(null, "", null))
          .isEqualTo(new DynamoDbClients.Target("eu-west-1", null, null));
      assertThat(clients.target("us-east-2", "http://127.0.0.1:8000", KEYS))
          .isEqualTo(
              new DynamoDbClients.Target("us-east-2", URI.create("http://127.0.0.1:8000"), KEYS));
      assertThatThrownBy(() -> clients.target(null, "ftp://x", null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("http(s)://host");
      assertThatThrownBy(() -> clients.target(null, "http://", null))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> new DynamoDbClients(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("region");
  }

  @Test
  void cachesOneClientPerTargetAndClosesThem() {
    DynamoDbClients clients = new DynamoDbClients("us-east-1");
    DynamoDbClient a = clients.client(null, "http://127.0.0.1:1", KEYS);
    DynamoDbClient same = clients.client("us-east-1", "http://127.0.0.1:1", KEYS);
    DynamoDbClient otherKeys =
        clients.client(null, "http://127.0.0.1:1", new StaticCredentials("AKIDEXAMPLE", "other"));
    DynamoDbClient otherEndpoint = clients.client(null, "http://127.0.0.1:2", KEYS);
    DynamoDbClient defaultChain = clients.client(null, "http://127.0.0.1:1", null);

    assertThat(same).isSameAs(a);
    assertThat(otherKeys).isNotSameAs(a);
    assertThat(otherEndpoint).isNotSameAs(a);
    assertThat(defaultChain).isNotSameAs(a);
    assertThat(clients.size()).isEqualTo(4);
    assertThat(a.serviceClientConfiguration().region().id()).isEqualTo("us-east-1");
    assertThat(a.serviceClientConfiguration().endpointOverride())
        .contains(URI.create("http://127.0.0.1:1"));

    clients.close();

    assertThat(clients.size()).isZero();
    assertThatThrownBy(() -> clients.client(null, null, KEYS))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void keepsABoundedNumberOfClients() {
    try (DynamoDbClients clients = new DynamoDbClients("us-east-1")) {
      DynamoDbClient first = clients.client(null, "http://127.0.0.1:1", KEYS);
      for (int i = 0; i < DynamoDbClients.MAX_CLIENTS + 5; i++) {
        clients.client(null, "http://127.0.0.1:1", new StaticCredentials("AKID" + i, "x"));
      }
      assertThat(clients.size()).isEqualTo(DynamoDbClients.MAX_CLIENTS);
      assertThat(clients.client(null, "http://127.0.0.1:1", KEYS)).isNotSameAs(first);
    }
  }

  @Test
  void credentialsDoNotShowTheSecret() {
    assertThat(KEYS.toString()).contains("AKIDEXAMPLE").doesNotContain("s3cr3t");
    assertThat(new DynamoDbClients.Target("us-east-1", null, KEYS).toString())
        .doesNotContain("s3cr3t");
    assertThatThrownBy(() -> new StaticCredentials("AKID", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AWS_SECRET_ACCESS_KEY");
  }

  @Test
  void anEndpointThatAcceptsButNeverAnswersTimesOutWithinTheCallBound() throws Exception {
    // a listening socket whose connections are never served: the read timeout applies
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        DynamoDbClients clients = new DynamoDbClients("us-east-1")) {
      DynamoDbClient client =
          clients.client(null, "http://127.0.0.1:" + silent.getLocalPort(), KEYS);
      DynamoDbTables tables =
          new DynamoDbTables(
              client,
              new DynamoDbTables.Settings(
                  "slow", DynamoDb.BillingMode.PAY_PER_REQUEST, null, null, "music/jazz"));
      long start = System.nanoTime();

      assertThatThrownBy(tables::reconcile)
          .isInstanceOfSatisfying(
              DynamoDbTablesException.class,
              e ->
                  assertThat(e.reason())
                      .isEqualTo(DynamoDbTablesException.Reason.DynamoDbUnreachable))
          .hasMessageContaining("DescribeTable slow-catalog failed")
          .hasMessageContaining("unreachable");

      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took).isLessThanOrEqualTo(DynamoDbClients.CALL_TIMEOUT.plusSeconds(2));
    }
  }
}
