package dev.cadenza.operator.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** Chunk cache sizing. */
public class Cache {

  static final String QUANTITY = "^[0-9]+(Ki|Mi|Gi|K|M|G)?$";

  @Default("512Mi")
  @Pattern(QUANTITY)
  @JsonPropertyDescription("Memory for the in-process (L1) cache per pod, e.g. 512Mi.")
  public String memory;

  @Default("256Ki")
  @Pattern(QUANTITY)
  @JsonPropertyDescription("Chunk size; at most 350Ki so a chunk fits a DynamoDB item.")
  public String chunkSize;

  @Default("24h")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("How long a chunk stays in DynamoDB, e.g. 24h.")
  public String ttl;
}
