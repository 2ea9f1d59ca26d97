package dev.cadenza.operator.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** Chunk cache sizing. */
public class Cache {

  /**
   * The smallest and largest chunk the stream service takes: a chunk is one DynamoDB item, which
   * holds at most 400 KB with its key and attributes (the service's {@code MAX_CHUNK}).
   */
  public static final String MIN_CHUNK = "4Ki";

  public static final String MAX_CHUNK = "350Ki";

  public static final String CHUNK_SIZE_MESSAGE =
      "must be between "
          + MIN_CHUNK
          + " and "
          + MAX_CHUNK
          + ": a chunk is one DynamoDB item, which holds at most 400 KB";

  public static final String TTL_MESSAGE =
      "must be at least 1s: a chunk's expiry is kept in whole seconds, so a shorter one has"
          + " expired when it is written";

  /** The L1 bytes of a pod whose spec names none. */
  public static final String DEFAULT_MEMORY = "512Mi";

  @Default(DEFAULT_MEMORY)
  @Pattern(Formats.QUANTITY)
  @JsonPropertyDescription("Memory for the in-process (L1) cache per pod, e.g. 512Mi.")
  public String memory;

  @Default("256Ki")
  @Pattern(Formats.QUANTITY)
  @ValidationRule(
      value =
          "!isQuantity(self) || (quantity(self).compareTo(quantity('"
              + MIN_CHUNK
              + "')) >= 0 && quantity(self).compareTo(quantity('"
              + MAX_CHUNK
              + "')) <= 0)",
      message = Cache.CHUNK_SIZE_MESSAGE)
  @JsonPropertyDescription(
      "Chunk size, " + MIN_CHUNK + " to " + MAX_CHUNK + " (a chunk is one DynamoDB item).")
  public String chunkSize;

  @Default("24h")
  @Pattern(Formats.DURATION)
  @ValidationRule(
      value = "!self.matches('" + Formats.DURATION + "') || duration(self) >= duration('1s')",
      message = Cache.TTL_MESSAGE)
  @JsonPropertyDescription("How long a chunk stays in DynamoDB, at least 1s, e.g. 24h.")
  public String ttl;
}
