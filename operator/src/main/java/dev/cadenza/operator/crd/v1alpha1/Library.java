package dev.cadenza.operator.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** The music library volume. */
public class Library {

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "Name of the PersistentVolumeClaim holding the music, in this namespace.")
  public String persistentVolumeClaim;

  @Pattern("^$|^[^/].*$")
  @JsonPropertyDescription(
      "Folder inside the volume to serve; relative, empty for the whole volume.")
  public String subPath;
}
