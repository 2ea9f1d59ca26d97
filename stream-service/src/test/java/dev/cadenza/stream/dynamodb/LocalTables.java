package dev.cadenza.stream.dynamodb;

import dev.cadenza.stream.config.CadenzaProperties;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** Tables at a local endpoint (dynalite) for tests: one pod's view, with a client of its own. */
public final class LocalTables {

  private LocalTables() {}

  /** The tables of {@code settings} (its endpoint set), through a new client; close them. */
  public static SharedTables open(CadenzaProperties.DynamoDb settings) {
    DynamoDbAsyncClient client =
        DynamoDbAsyncClient.builder()
            .endpointOverride(settings.endpoint())
            .region(Region.of(settings.region()))
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
            .httpClientBuilder(
                NettyNioAsyncHttpClient.builder()
                    .eventLoopGroup(SdkEventLoopGroup.builder().numberOfThreads(1).build())
                    .connectionTimeout(Duration.ofSeconds(1))
                    .readTimeout(Duration.ofSeconds(5)))
            .overrideConfiguration(
                o -> o.retryStrategy(RetryMode.STANDARD).apiCallTimeout(Duration.ofSeconds(5)))
            .build();
    return new SharedTables(client, settings);
  }

  /**
   * The tables of {@code settings} through a client built as the service builds its own ({@link
   * DynamoDbConfiguration}): same timeouts, same retries. Close them.
   */
  public static SharedTables openAsDeployed(CadenzaProperties.DynamoDb settings) {
    return new SharedTables(DynamoDbConfiguration.client(settings), settings);
  }
}
