package dev.cadenza.stream;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Cadenza stream service: catalogue and byte-exact streaming of a music library. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class StreamServiceApplication {

  public static void main(String[] args) {
    SpringApplication.run(StreamServiceApplication.class, args);
  }
}
