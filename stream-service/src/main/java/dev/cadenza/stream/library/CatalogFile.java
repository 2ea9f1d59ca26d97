package dev.cadenza.stream.library;

import dev.cadenza.protocol.catalog.AudioProperties;
import dev.cadenza.protocol.catalog.ReplayGain;
import dev.cadenza.protocol.catalog.TrackTags;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
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
 * <p>Format: magic, {@link #FORMAT}, {@link CatalogItems#TAGS_READ} (what the tags hold), the
 * library root, the track count, the tracks, then a CRC-32 of all that. A file of another format,
 * tag reading or root, a truncated or corrupt one, is reported once and ignored: the scan reads
 * every file as without it.
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

  private final Path file;

  CatalogFile(Path dataDir) {
    this.file = dataDir.resolve(FILE_NAME);
  }

  Path file() {
    return file;
  }

  @Override
  public Optional<List<Track>> load(Path root) {
    Path library = root.toAbsolutePath().normalize();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      CRC32 crc = new CRC32();
      DataInputStream data = new DataInputStream(new CheckedInputStream(in, crc));
      if (data.readInt() != MAGIC) {
        return ignored("it is not a Cadenza catalogue");
      }
      int format = data.readInt();
      int tagsRead = data.readInt();
      if (format != FORMAT || tagsRead != CatalogItems.TAGS_READ) {
        return ignored("it is of an older or newer version (" + format + "/" + tagsRead + ")");
      }
      if (!data.readUTF().equals(library.toString())) {
        return ignored("it is of another library root");
      }
      int count = data.readInt();
      if (count < 0) {
        return ignored("it is corrupt");
      }
      List<Track> tracks = new ArrayList<>(Math.min(count, 1 << 20));
      for (int i = 0; i < count; i++) {
        tracks.add(read(data, library));
      }
      long expected = crc.getValue();
      if (data.readLong() != expected) {
        return ignored("it is corrupt (checksum)");
      }
      return Optional.of(tracks);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (EOFException e) {
      return ignored("it is truncated");
    } catch (IOException | RuntimeException e) {
      return ignored("it cannot be read (" + e + ")");
    }
  }

  private Optional<List<Track>> ignored(String why) {
    log.warn("Ignoring the saved catalogue {}: {}; the library is scanned in full", file, why);
    return Optional.empty();
  }

  /** Replaces the file with {@code catalog}; a failure is logged and leaves the previous file. */
  @Override
  public void save(Path root, Catalog catalog) {
    Path library = root.toAbsolutePath().normalize();
    Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
    try {
      Files.createDirectories(file.getParent());
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temporary), 1 << 16)) {
        CRC32 crc = new CRC32();
        DataOutputStream data = new DataOutputStream(new CheckedOutputStream(out, crc));
        data.writeInt(MAGIC);
        data.writeInt(FORMAT);
        data.writeInt(CatalogItems.TAGS_READ);
        data.writeUTF(library.toString());
        data.writeInt(catalog.tracks().size());
        for (Track t : catalog.tracks()) {
          write(data, t);
        }
        data.flush();
        data.writeLong(crc.getValue());
        data.flush();
      }
      try {
        Files.move(
            temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      log.warn(
          "Could not save the catalogue to {} ({}); the next start scans the library in full",
          file,
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
