package dev.cadenza.stream.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every {@code cadenza.*} setting with its default. Each can be overridden by an environment
 * variable through Spring's relaxed binding ({@code CADENZA_LIBRARY_PATH}, {@code
 * CADENZA_LIBRARY_RESCAN_INTERVAL}); docs/configuration.md lists them.
 */
@Validated
@ConfigurationProperties("cadenza")
public record CadenzaProperties(
    @Valid @NotNull @DefaultValue Library library, @Valid @NotNull @DefaultValue Api api) {

  /**
   * The music library.
   *
   * @param path root directory of the library; empty serves the bundled demo library
   * @param rescanInterval how often the tree is rescanned for added, changed and removed files; 0
   *     disables rescans
   * @param scanThreads threads reading tags during a scan
   * @param progressInterval how often a running scan logs its progress
   */
  public record Library(
      Path path,
      @NotNull @DefaultValue("60s") Duration rescanInterval,
      @Min(1) @Max(64) @DefaultValue("2") int scanThreads,
      @NotNull @DefaultValue("5s") Duration progressInterval) {

    public Library {
      if (path != null && !Files.isDirectory(path)) {
        throw new IllegalArgumentException(
            "cadenza.library.path: '" + path + "' is not a readable directory");
      }
      if (scanThreads < 1 || scanThreads > 64) {
        throw new IllegalArgumentException(
            "cadenza.library.scan-threads: must be between 1 and 64, got " + scanThreads);
      }
      if (rescanInterval != null && rescanInterval.isNegative()) {
        throw new IllegalArgumentException(
            "cadenza.library.rescan-interval: must not be negative, got " + rescanInterval);
      }
      if (progressInterval != null
          && (progressInterval.isNegative() || progressInterval.isZero())) {
        throw new IllegalArgumentException(
            "cadenza.library.progress-interval: must be positive, got " + progressInterval);
      }
    }
  }

  /**
   * The JSON API.
   *
   * @param defaultPageSize page size when a listing request gives no {@code limit}
   * @param maxPageSize the largest {@code limit} a listing accepts
   */
  public record Api(
      @Min(1) @DefaultValue("50") int defaultPageSize,
      @Min(1) @Max(10000) @DefaultValue("500") int maxPageSize) {

    public Api {
      if (maxPageSize < 1 || maxPageSize > 10000) {
        throw new IllegalArgumentException(
            "cadenza.api.max-page-size: must be between 1 and 10000, got " + maxPageSize);
      }
      if (defaultPageSize < 1 || defaultPageSize > maxPageSize) {
        throw new IllegalArgumentException(
            "cadenza.api.default-page-size: must be between 1 and cadenza.api.max-page-size ("
                + maxPageSize
                + "), got "
                + defaultPageSize);
      }
    }
  }
}
