package dev.cadenza.stream.library;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.protocol.catalog.AudioProperties;
import dev.cadenza.protocol.catalog.TrackTags;
import dev.cadenza.stream.config.CadenzaProperties;
import dev.cadenza.stream.dynamodb.SharedTables;
import dev.cadenza.stream.library.CatalogItems.Head;
import dev.cadenza.testsupport.Dynalite;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Not a test: how long writing and loading a synthetic shared catalogue takes against dynalite, and
 * how long a follower pod takes to become ready on it. Prints a Markdown table (docs/shared-
 * catalogue.md quotes it). Run with
 *
 * <pre>
 * ./mvnw -o -q test -pl stream-service -am -Dtest=SharedCatalogBench \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dcadenza.bench=true [-Dcadenza.bench.tracks=10000]
 * </pre>
 */
@EnabledIfSystemProperty(named = "cadenza.bench", matches = "true")
class SharedCatalogBench {

  @TempDir Path tmp;

  @Test
  void writeAndLoad() throws Exception {
    SharedCatalogTest.quietClientLogs();
    int n = Integer.getInteger("cadenza.bench.tracks", 10_000);
    Path root = Files.createDirectories(tmp.resolve("library"));
    List<Track> tracks = synthetic(root, n);
    List<String> rows = new ArrayList<>();
    try (Dynalite dynalite = Dynalite.start()) {
      CadenzaProperties.DynamoDb settings =
          SharedCatalogFixtures.dynamodb(
              SharedCatalogFixtures.uniquePrefix(),
              dynalite.endpoint(),
              Duration.ofSeconds(30),
              Duration.ofSeconds(5));
      try (SharedTables tables = SharedCatalogFixtures.tables(settings)) {
        tables.createMissing(Duration.ofSeconds(30));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CatalogTable table =
            new CatalogTable(
                tables,
                root,
                Duration.ofSeconds(5),
                meters.counter("written"),
                meters.counter("deleted"));

        long t0 = System.nanoTime();
        table.write(tracks, List.of(), 1, () -> true);
        rows.add(row("write all (BatchWriteItem, 4 in flight)", n, System.nanoTime() - t0));
        assertThat(table.putHead(new Head(1, n, Instant.now(), "bench", null), 0)).isTrue();

        for (int i = 1; i <= 3; i++) {
          long t = System.nanoTime();
          Map<String, Track> loaded = table.load(n);
          rows.add(row("full load " + i + " (16 parallel queries)", n, System.nanoTime() - t));
          assertThat(loaded).hasSize(n);
        }

        int changed = Math.max(1, n / 100);
        List<Track> updates = new ArrayList<>();
        for (Track t : tracks.subList(0, changed)) {
          updates.add(
              new Track(
                  t.id(),
                  t.path(),
                  t.file(),
                  t.format(),
                  new FileVersion(
                      t.size() + 1, t.lastModified(), t.version().changed(), t.version().inode()),
                  t.fileTags()));
        }
        long t1 = System.nanoTime();
        table.write(updates, List.of(), 2, () -> true);
        rows.add(row("write 1% changed", changed, System.nanoTime() - t1));

        // a follower pod: the lease is held elsewhere, the head exists
        assertThat(table.acquire("bench", System.currentTimeMillis(), Duration.ofMinutes(5)))
            .isTrue();
        long t2 = System.nanoTime();
        SimpleMeterRegistry followerMeters = new SimpleMeterRegistry();
        Library follower =
            new Library(
                SharedCatalogFixtures.properties(root, Duration.ZERO, settings),
                new TagReader(),
                followerMeters,
                new DynamoDbCatalogSharing(tables, followerMeters));
        follower.start();
        try {
          follower.awaitFirstScan(5, TimeUnit.MINUTES);
          rows.add(row("follower start → ready", n, System.nanoTime() - t2));
          assertThat(follower.catalog().tracks()).hasSize(n);
        } finally {
          follower.halt();
        }
      }
    }
    long bytes = tracks.stream().mapToLong(t -> itemSize(CatalogItems.trackItem(t, 1))).sum();
    System.out.printf(
        Locale.ROOT,
        "%n| shared catalogue against dynalite, %d tracks | items | ms | items/s |%n"
            + "|---|---:|---:|---:|%n%s%n%nItems: %d bytes on average, %.1f MB in all: a full"
            + " load reads about %d consistent RCU; a full write takes %d WCU.%n",
        n,
        String.join("\n", rows),
        bytes / n,
        bytes / 1e6,
        (bytes + 4095) / 4096,
        tracks.stream()
            .mapToLong(t -> (itemSize(CatalogItems.trackItem(t, 1)) + 1023) / 1024)
            .sum());
  }

  /** DynamoDB's item size: attribute names plus values (numbers roughly 1 byte per 2 digits). */
  private static long itemSize(Map<String, AttributeValue> item) {
    long size = 0;
    for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
      size += e.getKey().getBytes(StandardCharsets.UTF_8).length;
      AttributeValue v = e.getValue();
      if (v.s() != null) {
        size += v.s().getBytes(StandardCharsets.UTF_8).length;
      } else if (v.n() != null) {
        size += v.n().length() / 2 + 2;
      } else {
        size += 1;
      }
    }
    return size;
  }

  private static String row(String what, int items, long nanos) {
    double ms = nanos / 1e6;
    return String.format(
        Locale.ROOT, "| %s | %d | %.0f | %.0f |", what, items, ms, items / (ms / 1000));
  }

  /** Tracks as a tagged library has them: every tag set, paths of a typical length. */
  private static List<Track> synthetic(Path root, int n) {
    List<Track> tracks = new ArrayList<>(n);
    Instant base = Instant.parse("2024-05-01T10:00:00.123456789Z");
    for (int i = 0; i < n; i++) {
      int artist = i / 120;
      int album = i / 12;
      int number = i % 12 + 1;
      String artistName = "Synthetic Artist " + artist;
      String albumTitle = "Album Number " + album;
      String title = "A Track Title of Usual Length " + i;
      String path =
          String.format(Locale.ROOT, "%s/%s/%02d %s.flac", artistName, albumTitle, number, title);
      tracks.add(
          new Track(
              Ids.track(path),
              path,
              root.resolve(path),
              AudioFormat.FLAC,
              new FileVersion(20_000_000L + i, base.plusSeconds(i), base.plusSeconds(i), 1_000 + i),
              new FileTags(
                  TrackTags.builder()
                      .title(title)
                      .artist(artistName)
                      .album(albumTitle)
                      .albumArtist(artistName)
                      .trackNumber(number)
                      .discNumber(1)
                      .year(2000 + album % 25)
                      .genre("Electronic")
                      .durationMs(240_000L + i)
                      .build(),
                  new AudioProperties(900, 44_100, 2, "FLAC"),
                  number == 1)));
    }
    return tracks;
  }
}
