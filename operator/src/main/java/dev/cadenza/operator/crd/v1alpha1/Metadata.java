package dev.cadenza.operator.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** ML metadata. */
public class Metadata {

  @Default("true")
  @JsonPropertyDescription("Compute track embeddings for similar-track suggestions.")
  public Boolean embeddings;
}
