package dev.cadenza.stream.webapp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The web player at {@code /}, unless {@code cadenza.web.enabled=false} (docs/web.md). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(
    name = WebAppConfiguration.ENABLED,
    havingValue = "true",
    matchIfMissing = true)
class WebAppConfiguration {

  /** The setting that turns the web player off (on by default). */
  static final String ENABLED = "cadenza.web.enabled";

  private static final Logger log = LoggerFactory.getLogger(WebAppConfiguration.class);

  @Bean
  WebAppFiles webAppFiles() {
    WebAppFiles files = WebAppFiles.load(WebAppConfiguration.class.getClassLoader());
    log.info(
        "Web player version {}: {} files, {} bytes ({} gzipped)",
        files.version(),
        files.count(),
        files.bytes(),
        files.gzippedBytes());
    return files;
  }
}
