package dev.cadenza.stream.library;

import dev.cadenza.stream.config.CadenzaProperties;
import dev.cadenza.stream.dynamodb.LocalTables;
import dev.cadenza.stream.dynamodb.SharedTables;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** DynamoDB settings, clients and libraries for the shared catalogue tests (against dynalite). */
final class SharedCatalogFixtures {

  private static final AtomicInteger PREFIXES = new AtomicInteger();

  private SharedCatalogFixtures() {}

  /** A table prefix no other test in this JVM uses. */
  static String uniquePrefix() {
    return "shared" + ProcessHandle.current().pid() + "-" + PREFIXES.incrementAndGet();
  }

  static CadenzaProperties.DynamoDb dynamodb(
      String prefix, URI endpoint, Duration lease, Duration poll) {
    return new CadenzaProperties.DynamoDb(
        prefix,
        "us-east-1",
        endpoint,
        false,
        Duration.ofSeconds(1),
        Duration.ofSeconds(5),
        lease,
        poll);
  }

  /** One pod's view of the tables: a client of its own, as each pod has. */
  static SharedTables tables(CadenzaProperties.DynamoDb settings) {
    return LocalTables.open(settings);
  }

  static CadenzaProperties properties(
      Path root, Duration rescanInterval, CadenzaProperties.DynamoDb dynamodb) {
    return new CadenzaProperties(
        new CadenzaProperties.Library(root, rescanInterval, 2, Duration.ofSeconds(5), false),
        new CadenzaProperties.Api(50, 500),
        CadenzaProperties.Cache.defaults(),
        dynamodb);
  }

  /** What the table stores of a track: everything but the absolute file. */
  record Stored(
      String id, String path, AudioFormat format, FileVersion version, FileTags fileTags) {

    static Stored of(Track t) {
      return new Stored(t.id(), t.path(), t.format(), t.version(), t.fileTags());
    }
  }

  static List<Stored> stored(Catalog catalog) {
    return catalog.tracks().stream().map(Stored::of).toList();
  }
}
