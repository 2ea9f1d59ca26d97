package dev.cadenza.stream.dynamodb;

import dev.cadenza.stream.config.CadenzaProperties;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClientBuilder;

/**
 * The DynamoDB client, when {@code cadenza.dynamodb.table-prefix} is set. Calls are bounded: a
 * DynamoDB that is slow or gone makes a call fail within {@code cadenza.dynamodb.timeout} (what a
 * request waits for: chunks, sessions, the item store, each of which sets it on its requests) or
 * {@link #CALL_TIMEOUT} (background work: the catalogue, the lease, table creation), never hang a
 * listener.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("!'${cadenza.dynamodb.table-prefix:}'.isEmpty()")
public class DynamoDbConfiguration {

  private static final Logger log = LoggerFactory.getLogger(DynamoDbConfiguration.class);

  /** Bound on one background call (catalogue, lease, table creation), retries included. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  /** How often missing tables are tried again after a failed first creation. */
  static final Duration CREATE_TABLES_RETRY = Duration.ofSeconds(5);

  @Bean(destroyMethod = "close")
  SharedTables sharedTables(CadenzaProperties properties) {
    CadenzaProperties.DynamoDb settings = properties.dynamodb();
    DynamoDbAsyncClient client = client(settings);
    SharedTables tables = new SharedTables(client, settings);
    log.info(
        "DynamoDB tables {}, {}, {}, {} at {}",
        tables.catalog(),
        tables.chunks(),
        tables.sessions(),
        tables.users(),
        settings.endpoint() != null ? settings.endpoint() : "AWS");
    if (settings.createTables()) {
      // until they exist the service serves from memory and the library, as when DynamoDB fails
      tables.createMissingRetrying(Duration.ofSeconds(60), CREATE_TABLES_RETRY);
    }
    return tables;
  }

  static DynamoDbAsyncClient client(CadenzaProperties.DynamoDb settings) {
    DynamoDbAsyncClientBuilder builder =
        DynamoDbAsyncClient.builder()
            .region(region(settings))
            .credentialsProvider(credentials(settings))
            .httpClientBuilder(
                NettyNioAsyncHttpClient.builder()
                    .eventLoopGroup(SdkEventLoopGroup.builder().numberOfThreads(2).build())
                    .maxConcurrency(128)
                    .connectionTimeout(Duration.ofSeconds(2))
                    .connectionAcquisitionTimeout(Duration.ofSeconds(2))
                    .readTimeout(CALL_TIMEOUT)
                    .writeTimeout(CALL_TIMEOUT))
            .overrideConfiguration(
                o -> o.retryStrategy(RetryMode.STANDARD).apiCallTimeout(CALL_TIMEOUT));
    if (settings.endpoint() != null) {
      builder.endpointOverride(settings.endpoint());
    }
    return builder.build();
  }

  private static Region region(CadenzaProperties.DynamoDb settings) {
    if (!settings.region().isBlank()) {
      return Region.of(settings.region());
    }
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (RuntimeException e) {
      if (settings.endpoint() != null) {
        return Region.US_EAST_1; // a local endpoint does not care
      }
      throw new IllegalArgumentException(
          "cadenza.dynamodb.region: not set, and no AWS region is configured ("
              + SdkSystemSetting.AWS_REGION.environmentVariable()
              + " or a profile)");
    }
  }

  /**
   * The default AWS chain; with a custom endpoint (dynalite, a local DynamoDB) placeholder keys
   * when the chain has none, since such endpoints accept any.
   */
  private static AwsCredentialsProvider credentials(CadenzaProperties.DynamoDb settings) {
    DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
    if (settings.endpoint() == null) {
      return chain;
    }
    return AwsCredentialsProviderChain.builder()
        .credentialsProviders(
            chain, StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .build();
  }
}
