package dev.cadenza.stream.store;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the single-process default keeps what must survive a restart (users, API keys, their music
 * data, the generated secret key): {@code cadenza.data.dir} ({@code CADENZA_DATA_DIR}). Unset, it
 * is {@code $XDG_DATA_HOME/cadenza}, or {@code ~/.local/share/cadenza}. With DynamoDB configured
 * the users table holds the items instead and nothing is written here.
 *
 * @param dir the directory; created on first use
 */
@ConfigurationProperties("cadenza.data")
public record DataProperties(Path dir) {

  /** The directory to use: {@link #dir()}, or the default when it is unset. */
  public Path directory() {
    if (dir != null) {
      return dir;
    }
    String xdg = System.getenv("XDG_DATA_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".local", "share");
    return base.resolve("cadenza");
  }
}
