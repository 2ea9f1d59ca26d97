package dev.cadenza.stream.dynamodb;

import dev.cadenza.dynamodb.TableSchema;
import dev.cadenza.dynamodb.TableSchema.Table;
import dev.cadenza.stream.config.CadenzaProperties;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * The DynamoDB tables this service shares with its sibling pods, named and keyed as {@link
 * TableSchema} (the contract with the operator) says, and the client that reaches them. Present as
 * a bean only when {@code cadenza.dynamodb.table-prefix} is set.
 */
public final class SharedTables implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SharedTables.class);

  private final DynamoDbAsyncClient client;
  private final CadenzaProperties.DynamoDb settings;
  private volatile boolean closed;

  public SharedTables(DynamoDbAsyncClient client, CadenzaProperties.DynamoDb settings) {
    this.client = client;
    this.settings = settings;
  }

  public DynamoDbAsyncClient client() {
    return client;
  }

  public CadenzaProperties.DynamoDb settings() {
    return settings;
  }

  /** {@code <prefix>-catalog}: the shared catalogue and the scan lease. */
  public String catalog() {
    return Table.CATALOG.tableName(settings.tablePrefix());
  }

  /** {@code <prefix>-chunks}: the L2 chunk cache. */
  public String chunks() {
    return Table.CHUNKS.tableName(settings.tablePrefix());
  }

  /** {@code <prefix>-sessions}: group playback sessions. */
  public String sessions() {
    return Table.SESSIONS.tableName(settings.tablePrefix());
  }

  /** {@code <prefix>-users}: users, API keys and each user's music data (the item store). */
  public String users() {
    return Table.USERS.tableName(settings.tablePrefix());
  }

  /**
   * Creates the tables that do not exist yet (on-demand billing) and waits until all are ACTIVE, at
   * most {@code wait}. For local use ({@code cadenza.dynamodb.create-tables=true}): in Kubernetes
   * the operator creates them. TTL is switched on where the endpoint supports it.
   */
  public void createMissing(Duration wait) {
    for (Table table : Table.values()) {
      String name = table.tableName(settings.tablePrefix());
      try {
        client
            .createTable(
                b ->
                    b.tableName(name)
                        .keySchema(table.keySchema())
                        .attributeDefinitions(table.attributeDefinitions())
                        .billingMode(BillingMode.PAY_PER_REQUEST))
            .join();
        log.info("Created DynamoDB table {}", name);
      } catch (CompletionException e) {
        if (!(e.getCause() instanceof ResourceInUseException)) {
          throw e;
        }
      }
    }
    long deadline = System.nanoTime() + wait.toNanos();
    for (Table table : Table.values()) {
      String name = table.tableName(settings.tablePrefix());
      while (true) {
        TableStatus status;
        try {
          status = client.describeTable(b -> b.tableName(name)).join().table().tableStatus();
        } catch (CompletionException e) {
          if (!(e.getCause() instanceof ResourceNotFoundException)) {
            throw e;
          }
          status = TableStatus.CREATING;
        }
        if (status == TableStatus.ACTIVE) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "DynamoDB table " + name + " is still " + status + " after " + wait);
        }
        sleep(100);
      }
      table
          .ttlAttribute()
          .ifPresent(
              attribute ->
                  client
                      .updateTimeToLive(
                          b ->
                              b.tableName(name)
                                  .timeToLiveSpecification(
                                      s -> s.attributeName(attribute).enabled(true)))
                      .handle(
                          (r, e) -> {
                            if (e != null) {
                              // dynalite has no TTL: expiry is checked on read anyway
                              log.debug("TTL not enabled on {}: {}", name, e.toString());
                            }
                            return null;
                          })
                      .join());
    }
  }

  /**
   * {@link #createMissing}; when that fails (DynamoDB not answering yet, or too slowly: a local
   * stack whose processes start together on a busy machine), logs it once and tries again every
   * {@code every} on a background thread until it succeeds or the tables are closed. Without this,
   * a pod that started before DynamoDB answered would run without its tables until restarted: no
   * shared catalogue, no L2, no sessions. Returns after the first attempt.
   */
  public void createMissingRetrying(Duration wait, Duration every) {
    try {
      createMissing(wait);
      return;
    } catch (RuntimeException e) {
      log.warn(
          "Could not create the DynamoDB tables (cadenza.dynamodb.create-tables): {}; trying again"
              + " every {}",
          describe(e),
          every);
    }
    Thread retry =
        new Thread(
            () -> {
              while (!closed) {
                try {
                  Thread.sleep(every.toMillis());
                  createMissing(wait);
                  log.info("The DynamoDB tables are ready (cadenza.dynamodb.create-tables)");
                  return;
                } catch (InterruptedException e) {
                  return;
                } catch (RuntimeException e) {
                  log.debug("Could not create the DynamoDB tables yet: {}", describe(e));
                }
              }
            },
            "cadenza-dynamodb-create-tables");
    retry.setDaemon(true);
    retry.start();
  }

  private static String describe(RuntimeException e) {
    return e.getCause() != null ? e.getCause().toString() : e.toString();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for DynamoDB tables", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    client.close();
  }
}
