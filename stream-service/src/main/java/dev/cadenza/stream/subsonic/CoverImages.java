package dev.cadenza.stream.subsonic;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cadenza.stream.library.Album;
import dev.cadenza.stream.library.Artist;
import dev.cadenza.stream.library.Cover;
import dev.cadenza.stream.library.CoverArt;
import dev.cadenza.stream.library.Track;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Optional;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The cover of a song, album or artist for {@code getCoverArt}, scaled down to {@code size} pixels
 * on its longer side (aspect kept) with {@code javax.imageio}. Scaled covers are kept in a cache
 * bounded by bytes, keyed by the cover's file version and the size, so a changed file is never
 * served from it; originals are read from the file each time, as the native cover route does.
 */
@Component
public class CoverImages {

  private static final Logger log = LoggerFactory.getLogger(CoverImages.class);

  /** Bytes of scaled covers kept: a few thousand thumbnails. */
  static final long CACHE_BYTES = 32L * 1024 * 1024;

  /** Larger sizes are served as the original. */
  static final int MAX_SIZE = 2048;

  /** Images with more pixels than this are not decoded (a decompression bomb in a tag). */
  static final long MAX_PIXELS = 40_000_000L;

  private record Key(String trackId, String etag, int size) {}

  private final CoverArt coverArt;
  private final Cache<Key, Cover> scaled =
      Caffeine.newBuilder()
          .maximumWeight(CACHE_BYTES)
          .weigher((Key k, Cover c) -> c.data().length + 64)
          .build();

  public CoverImages(CoverArt coverArt) {
    this.coverArt = coverArt;
  }

  /** The track whose cover stands for an album: its cover track, else its first track. */
  static Track coverTrack(Album album) {
    return album.tracks().stream()
        .filter(t -> t.id().equals(album.coverTrackId()))
        .findFirst()
        .orElse(album.tracks().get(0));
  }

  /** The track whose cover stands for an artist: that of their first album with a cover. */
  static Track coverTrack(Artist artist) {
    return artist.albums().stream()
        .filter(a -> a.coverTrackId() != null)
        .findFirst()
        .map(CoverImages::coverTrack)
        .orElse(coverTrack(artist.albums().get(0)));
  }

  /**
   * The cover of {@code track} (embedded, else its folder's image), scaled to {@code size} when it
   * is larger; {@code size} 0 or less, or above {@link #MAX_SIZE}: the original. Blocking file I/O.
   */
  public Optional<Cover> cover(Track track, int size) throws IOException {
    if (size <= 0 || size > MAX_SIZE) {
      return coverArt.of(track);
    }
    Key key = new Key(track.id(), track.etag(), size);
    Cover cached = scaled.getIfPresent(key);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<Cover> original = coverArt.of(track);
    if (original.isEmpty()) {
      return original;
    }
    Cover result = scale(original.get(), size);
    scaled.put(key, result);
    return Optional.of(result);
  }

  /**
   * {@code cover} with its longer side at most {@code size}; the original when it is no larger
   * already, or when it cannot be decoded (a format ImageIO does not read, a broken image).
   */
  static Cover scale(Cover cover, int size) {
    try {
      BufferedImage image = read(cover.data());
      if (image == null || Math.max(image.getWidth(), image.getHeight()) <= size) {
        return cover;
      }
      double factor = (double) size / Math.max(image.getWidth(), image.getHeight());
      int width = Math.max(1, (int) Math.round(image.getWidth() * factor));
      int height = Math.max(1, (int) Math.round(image.getHeight() * factor));
      boolean alpha = image.getColorModel().hasAlpha();
      BufferedImage out =
          new BufferedImage(
              width, height, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
      Graphics2D g = out.createGraphics();
      try {
        g.setRenderingHint(
            RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.drawImage(image, 0, 0, width, height, null);
      } finally {
        g.dispose();
      }
      return alpha
          ? new Cover(write(out, "png", null), "image/png")
          : new Cover(write(out, "jpeg", 0.9f), "image/jpeg");
    } catch (IOException | RuntimeException e) {
      log.debug("Cover not scaled, served as it is: {}", e.toString());
      return cover;
    }
  }

  /** Decodes an image, or null when ImageIO has no reader for it or it is too large. */
  private static BufferedImage read(byte[] data) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return null;
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        if ((long) reader.getWidth(0) * reader.getHeight(0) > MAX_PIXELS) {
          return null;
        }
        return reader.read(0);
      } finally {
        reader.dispose();
      }
    }
  }

  private static byte[] write(BufferedImage image, String format, Float quality)
      throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (quality != null) {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
      }
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
