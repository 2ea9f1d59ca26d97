package dev.cadenza.protocol.catalog.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.cadenza.protocol.catalog.AudioProperties;
import dev.cadenza.protocol.catalog.CatalogPage;
import dev.cadenza.protocol.catalog.ReplayGain;
import dev.cadenza.protocol.catalog.TrackEntry;
import dev.cadenza.protocol.catalog.TrackTags;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/** The page as JSON with Jackson 3, shaped as the listing endpoint's {@code {items, next}}. */
final class JsonBaseline {

  /** The listing's JSON page; tracks have the same fields as the compact format. */
  public record JsonPage(List<TrackEntry> items, String next) {}

  /** A track's fields side by side, as the API's Track has them. */
  private interface FlatTrack {

    @JsonUnwrapped
    TrackTags tags();

    @JsonUnwrapped
    AudioProperties audio();
  }

  /** As the API has it: replayGain only when the file has some (the stream service's mix-ins). */
  private interface ApiTags {

    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = NoReplayGain.class)
    ReplayGain replayGain();
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  private interface ApiReplayGain {}

  /** Jackson leaves out a value this filter is equal to: {@link ReplayGain#NONE}. */
  private static final class NoReplayGain {

    @Override
    public boolean equals(Object value) {
      return ReplayGain.NONE.equals(value);
    }

    @Override
    public int hashCode() {
      return ReplayGain.NONE.hashCode();
    }
  }

  private final JsonMapper mapper =
      JsonMapper.builder()
          .addMixIn(TrackEntry.class, FlatTrack.class)
          .addMixIn(TrackTags.class, ApiTags.class)
          .addMixIn(ReplayGain.class, ApiReplayGain.class)
          .build();

  byte[] encode(CatalogPage page) {
    return mapper.writeValueAsBytes(new JsonPage(page.tracks(), page.next()));
  }

  CatalogPage decode(byte[] json) {
    JsonPage page = mapper.readValue(json, JsonPage.class);
    return new CatalogPage(page.items(), page.next());
  }
}
