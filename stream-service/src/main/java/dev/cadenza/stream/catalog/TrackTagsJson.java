package dev.cadenza.stream.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cadenza.protocol.catalog.ReplayGain;
import dev.cadenza.protocol.catalog.TrackTags;
import org.springframework.boot.jackson.JacksonMixin;

/**
 * The JSON shape of {@link TrackTags}: its fields as they are, but {@code replayGain} only when the
 * file has some (docs/api.md). A mix-in, as the protocol module knows nothing of Jackson.
 */
@JacksonMixin(TrackTags.class)
interface TrackTagsJson {

  @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = NoReplayGain.class)
  ReplayGain replayGain();

  /** Jackson leaves out a value this filter is equal to: {@link ReplayGain#NONE}. */
  final class NoReplayGain {

    @Override
    public boolean equals(Object value) {
      return ReplayGain.NONE.equals(value);
    }

    @Override
    public int hashCode() {
      return ReplayGain.NONE.hashCode();
    }
  }
}
