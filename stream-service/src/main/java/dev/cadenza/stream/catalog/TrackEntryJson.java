package dev.cadenza.stream.catalog;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.cadenza.protocol.catalog.AudioProperties;
import dev.cadenza.protocol.catalog.TrackEntry;
import dev.cadenza.protocol.catalog.TrackTags;
import org.springframework.boot.jackson.JacksonMixin;

/**
 * The JSON shape of a {@link TrackEntry}: the API's Track (docs/api.md) has the fields of its tags
 * and of its audio properties side by side, so both parts are unwrapped. A mix-in, as the protocol
 * module knows nothing of Jackson.
 */
@JacksonMixin(TrackEntry.class)
interface TrackEntryJson {

  @JsonUnwrapped
  TrackTags tags();

  @JsonUnwrapped
  AudioProperties audio();
}
