package dev.cadenza.protocol.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worked example of docs/catalog-format.md, byte for byte. */
class CatalogFormatSpecTest {

  private static final String EXAMPLE =
      "43445a4301"
          + "0c"
          + "046d7033"
          + "0b617564696f2f6d706567"
          + "1a4175726f7261204c616e652f4461776e20536b657463686573"
          + "04303120"
          + "052e6d7033"
          + "00b08fa15bfac77b33de525912"
          + "00871aff73474fd1dc6bcea658"
          + "0c4175726f7261204c616e65"
          + "0e4461776e20536b657463686573"
          + "08416d6269656e74"
          + "0f4d5045472d31204c617965722033"
          + "04303220"
          + "02"
          + "39"
          + "ff3f"
          + "00"
          + "00e8c174edc04a708a48292e01"
          + "0c4669727374204c69676874"
          + "0001"
          + "88ab0a"
          + "03"
          + "010304"
          + "0506"
          + "07080709"
          + "d01f"
          + "0202"
          + "98db01"
          + "c001"
          + "88b105"
          + "04"
          + "0a"
          + "27"
          + "ff5f"
          + "ffff01"
          + "0043616465 6e7a612d74776f21"
          + "0554696465"
          + "80a09301"
          + "010b04"
          + "04"
          + "d0c418"
          + "04deadbeef"
          + "01"
          + "0043616465 6e7a612d74776f21";

  private static CatalogPage examplePage() {
    TrackEntry firstLight = SampleTracks.firstLight().toBuilder().embeddingCode(null).build();
    // the next track of the same album: only what differs is written again
    TrackEntry tide =
        firstLight.toBuilder()
            .id("Q2FkZW56YS10d28h")
            .title("Tide")
            .trackNumber(2)
            .durationMs(201000L)
            .size(2412544)
            .path("Aurora Lane/Dawn Sketches/02 Tide.mp3")
            .hasCover(false)
            .embeddingCode(HexFormat.of().parseHex("deadbeef"))
            .build();
    return new CatalogPage(List.of(firstLight, tide), "Q2FkZW56YS10d28h");
  }

  @Test
  void theEncoderWritesTheDocumentedBytes() {
    byte[] bytes = CatalogCodec.encode(examplePage());

    assertThat(HexFormat.of().formatHex(bytes)).isEqualTo(EXAMPLE.replace(" ", ""));
    assertThat(bytes).hasSize(248);
  }

  @Test
  void theDecoderReadsTheDocumentedBytes() throws Exception {
    byte[] bytes = HexFormat.of().parseHex(EXAMPLE.replace(" ", ""));

    assertThat(CatalogCodec.decode(bytes)).isEqualTo(examplePage());
  }
}
