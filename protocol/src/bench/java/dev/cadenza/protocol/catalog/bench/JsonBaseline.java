package dev.cadenza.protocol.catalog.bench;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.cadenza.protocol.catalog.AudioProperties;
import dev.cadenza.protocol.catalog.CatalogPage;
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

  private final JsonMapper mapper =
      JsonMapper.builder().addMixIn(TrackEntry.class, FlatTrack.class).build();

  byte[] encode(CatalogPage page) {
    return mapper.writeValueAsBytes(new JsonPage(page.tracks(), page.next()));
  }

  CatalogPage decode(byte[] json) {
    JsonPage page = mapper.readValue(json, JsonPage.class);
    return new CatalogPage(page.items(), page.next());
  }
}
