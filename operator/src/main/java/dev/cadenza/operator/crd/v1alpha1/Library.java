package dev.cadenza.operator.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The music library volume. */
public class Library {

  public static final String SUB_PATH_MESSAGE =
      "must be a relative path inside the volume, without a '..' element (e.g. jazz or"
          + " music/jazz)";

  @Required
  @Size(max = 253)
  @Pattern(Formats.NAME)
  @JsonPropertyDescription(
      "Name of the PersistentVolumeClaim holding the music, in this namespace.")
  public String persistentVolumeClaim;

  @Size(max = 1024)
  @ValidationRule(
      value = "!self.startsWith('/') && !self.matches('(^|/)[.][.](/|$)')",
      message = Library.SUB_PATH_MESSAGE)
  @JsonPropertyDescription(
      "Folder inside the volume to serve; relative, without '..', empty for the whole volume.")
  public String subPath;
}
