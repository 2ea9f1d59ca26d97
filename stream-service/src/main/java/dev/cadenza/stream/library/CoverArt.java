package dev.cadenza.stream.library;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Finds a track's cover: the art embedded in the file, else an image in its folder. */
@Component
public class CoverArt {

  private static final List<String> FOLDER_IMAGES =
      List.of("cover.jpg", "cover.png", "folder.jpg", "folder.png", "front.jpg", "front.png");
  private static final long MAX_FOLDER_IMAGE = 16L * 1024 * 1024;

  private final TagReader tagReader;

  public CoverArt(TagReader tagReader) {
    this.tagReader = tagReader;
  }

  /** Reads the cover; blocking file I/O. */
  public Optional<Cover> of(Track track) throws IOException {
    if (track.hasCover()) {
      Cover embedded = tagReader.cover(track.file(), track.format());
      if (embedded != null) {
        return Optional.of(embedded);
      }
    }
    Path dir = track.file().getParent();
    for (String name : FOLDER_IMAGES) {
      Path image = dir.resolve(name);
      // no links here: an image link could lead out of the library
      if (Files.isRegularFile(image, LinkOption.NOFOLLOW_LINKS)
          && Files.size(image) <= MAX_FOLDER_IMAGE) {
        String type = name.endsWith(".png") ? "image/png" : "image/jpeg";
        return Optional.of(new Cover(Files.readAllBytes(image), type));
      }
    }
    return Optional.empty();
  }
}
