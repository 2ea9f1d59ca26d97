package dev.cadenza.stream.library;

import dev.cadenza.protocol.catalog.AudioProperties;
import dev.cadenza.protocol.catalog.ReplayGain;
import dev.cadenza.protocol.catalog.TrackTags;
import dev.cadenza.stream.store.SnapshotFile;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalogue saved between runs of the single-process default: {@value #FILE_NAME} in {@code
 * cadenza.data.dir}, one snapshot of every track (path, format, {@link FileVersion}, tags) written
 * after each scan that changed something. At start-up it is served at once, and the first scan then
 * reads again only the files whose version changed (docs/configuration.md, "The saved catalogue").
 *
 * <p>A snapshot rather than an MVStore map: the catalogue is rebuilt as a whole by every scan and
 * read as a whole at start, it is a cache of the library (deleting it costs one full scan, never
 * data), and a file replaced by an atomic rename is never half-written. It stays apart from the
 * users' store, whose every write must be durable.
 *
 * <p>Format: a {@link SnapshotFile} (magic, {@link #FORMAT}, CRC-32) of {@link
 * CatalogItems#TAGS_READ} (what the tags hold), the library root, the track count, the tracks. A
 * file of another format, tag reading or root, a truncated or corrupt one, is reported once and
 * ignored: the scan reads every file as without it.
 */
final class CatalogFile implements SavedCatalogue {

  /** The file in {@code cadenza.data.dir}. */
  static final String FILE_NAME = "catalogue.bin";

  private static final Logger log = LoggerFactory.getLogger(CatalogFile.class);
  private static final int MAGIC = 0x435a4341; // "CZCA"

  /** Version of the layout below; a change of layout bumps it. */
  static final int FORMAT = 1;

  private static final int NO_INT = Integer.MIN_VALUE;
  private static final long NO_LONG = Long.MIN_VALUE;

  private final SnapshotFile file;

  CatalogFile(Path dataDir) {
    this.file = new SnapshotFile(dataDir.resolve(FILE_NAME), MAGIC, FORMAT);
  }

  Path file() {
    return file.path();
  }

  @Override
  public Optional<List<Track>> load(Path root) {
    Path library = root.toAbsolutePath().normalize();
    try {
      return file.read(
          data -> {
            int tagsRead = data.readInt();
            if (tagsRead != CatalogItems.TAGS_READ) {
              throw new SnapshotFile.Refused(
                  "it holds tags read by another version (" + tagsRead + ")");
            }
            if (!data.readUTF().equals(library.toString())) {
              throw new SnapshotFile.Refused("it is of another library root");
            }
            int count = data.readInt();
            if (count < 0) {
              throw new SnapshotFile.Refused("it is corrupt");
            }
            List<Track> tracks = new ArrayList<>(Math.min(count, 1 << 20));
            for (int i = 0; i < count; i++) {
              tracks.add(read(data, library));
            }
            return tracks;
          });
    } catch (SnapshotFile.Refused e) {
      log.warn(
          "Ignoring the saved catalogue {}: {}; the library is scanned in full",
          file.path(),
          e.getMessage());
      return Optional.empty();
    }
  }

  /** Replaces the file with {@code catalog}; a failure is logged and leaves the previous file. */
  @Override
  public void save(Path root, Catalog catalog) {
    Path library = root.toAbsolutePath().normalize();
    try {
      file.write(
          data -> {
            data.writeInt(CatalogItems.TAGS_READ);
            data.writeUTF(library.toString());
            data.writeInt(catalog.tracks().size());
            for (Track t : catalog.tracks()) {
              write(data, t);
            }
          });
    } catch (IOException e) {
      log.warn(
          "Could not save the catalogue to {} ({}); the next start scans the library in full",
          file.path(),
          e.toString());
    }
  }

  private static void write(DataOutputStream out, Track t) throws IOException {
    out.writeUTF(t.path());
    out.writeByte(t.format().ordinal());
    FileVersion v = t.version();
    out.writeLong(v.size());
    out.writeLong(v.lastModified().getEpochSecond());
    out.writeInt(v.lastModified().getNano());
    out.writeLong(v.changed().getEpochSecond());
    out.writeInt(v.changed().getNano());
    out.writeLong(v.inode());
    TrackTags tags = t.tags();
    string(out, tags.title());
    string(out, tags.artist());
    string(out, tags.album());
    string(out, tags.albumArtist());
    out.writeInt(tags.trackNumber() == null ? NO_INT : tags.trackNumber());
    out.writeInt(tags.discNumber() == null ? NO_INT : tags.discNumber());
    out.writeInt(tags.year() == null ? NO_INT : tags.year());
    string(out, tags.genre());
    out.writeLong(tags.durationMs() == null ? NO_LONG : tags.durationMs());
    ReplayGain gain = tags.replayGain();
    decimal(out, gain.trackGain());
    decimal(out, gain.trackPeak());
    decimal(out, gain.albumGain());
    decimal(out, gain.albumPeak());
    decimal(out, gain.baseGain());
    AudioProperties audio = t.audio();
    out.writeInt(audio.bitrate() == null ? NO_INT : audio.bitrate());
    out.writeInt(audio.sampleRate() == null ? NO_INT : audio.sampleRate());
    out.writeInt(audio.channels() == null ? NO_INT : audio.channels());
    string(out, audio.codec());
    out.writeBoolean(t.hasCover());
  }

  private static Track read(DataInputStream in, Path root) throws IOException {
    String path = in.readUTF();
    Path file = root.resolve(path).normalize();
    if (!file.startsWith(root)) {
      throw new IOException("a track points out of the library");
    }
    AudioFormat format = AudioFormat.values()[in.readUnsignedByte()];
    FileVersion version =
        new FileVersion(
            in.readLong(),
            Instant.ofEpochSecond(in.readLong(), in.readInt()),
            Instant.ofEpochSecond(in.readLong(), in.readInt()),
            in.readLong());
    TrackTags.Builder tags =
        TrackTags.builder()
            .title(string(in))
            .artist(string(in))
            .album(string(in))
            .albumArtist(string(in))
            .trackNumber(integer(in))
            .discNumber(integer(in))
            .year(integer(in))
            .genre(string(in));
    long duration = in.readLong();
    tags.durationMs(duration == NO_LONG ? null : duration)
        .replayGain(
            new ReplayGain(decimal(in), decimal(in), decimal(in), decimal(in), decimal(in)));
    AudioProperties audio = new AudioProperties(integer(in), integer(in), integer(in), string(in));
    boolean hasCover = in.readBoolean();
    return new Track(
        Ids.track(path), path, file, format, version, new FileTags(tags.build(), audio, hasCover));
  }

  private static void string(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      out.writeUTF(s);
    }
  }

  private static String string(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }

  private static void decimal(DataOutputStream out, Double d) throws IOException {
    out.writeBoolean(d != null);
    if (d != null) {
      out.writeDouble(d);
    }
  }

  private static Double decimal(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readDouble() : null;
  }

  private static Integer integer(DataInputStream in) throws IOException {
    int v = in.readInt();
    return v == NO_INT ? null : v;
  }
}
