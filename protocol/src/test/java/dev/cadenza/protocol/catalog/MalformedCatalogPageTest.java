package dev.cadenza.protocol.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-made bad pages: each gets a {@link CatalogFormatException} that says what is wrong. */
class MalformedCatalogPageTest {

  private static final HexFormat HEX = HexFormat.of();

  /** Magic and version 1. */
  private static final String HEADER = "43445a43" + "01";

  private static byte[] hex(String hex) {
    return HEX.parseHex(hex.replace(" ", ""));
  }

  private static void assertRejected(byte[] bytes, String reason) {
    assertThatThrownBy(() -> CatalogCodec.decode(bytes))
        .isInstanceOf(CatalogFormatException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void everyTruncationOfAValidPageIsRejected() {
    CatalogPage page =
        new CatalogPage(
            List.of(SampleTracks.firstLight(), SampleTracks.untagged()), "6MF07cBKcIpIKS4B");
    byte[] bytes = CatalogCodec.encode(page);

    for (int length = 0; length < bytes.length; length++) {
      byte[] prefix = Arrays.copyOf(bytes, length);
      assertThatThrownBy(() -> CatalogCodec.decode(prefix))
          .as("the first %d of %d bytes", length, bytes.length)
          .isInstanceOf(CatalogFormatException.class)
          .hasMessageContaining("truncated");
    }
  }

  @Test
  void wrongMagicIsRejected() {
    assertRejected("{\"items\":[]}".getBytes(StandardCharsets.UTF_8), "magic");
    assertRejected(hex("43445a44 01 00 00 00"), "wrong magic");
  }

  @Test
  void anotherVersionIsRejected() {
    assertRejected(hex("43445a43 02 00 00 00"), "unsupported catalogue format version 2");
    assertRejected(hex("43445a43 00 00 00 00"), "version 0");
  }

  @Test
  void hugeDeclaredCountsAreRejectedBeforeAnyAllocation() {
    // 2^31 - 1 dictionary entries, then 100 000 tracks: neither fits in the bytes that remain
    assertRejected(hex(HEADER + "ffffffff07"), "more than the limit");
    assertRejected(hex(HEADER + "ffff3f 00 00"), "dictionary size declared as 1048575");
    assertRejected(hex(HEADER + "00 a08d06 00"), "track count declared as 100000");
  }

  @Test
  void hugeDeclaredLengthsAreRejectedBeforeAnyAllocation() {
    // a dictionary entry of 65 535 bytes with three present; a text over the 64 KiB limit
    assertRejected(hex(HEADER + "01 80800461626300"), "needs 65535 bytes but 4 remain");
    assertRejected(hex(HEADER + "01 ffff7f"), "more than the limit of 65537");
    // a track record of 2^31 - 1 bytes
    assertRejected(hex(HEADER + "00 01 ffffffff07 00"), "only 1 bytes remain");
  }

  @Test
  void aHugeEmbeddingLengthIsRejected() {
    byte[] valid = CatalogCodec.encode(new CatalogPage(List.of(SampleTracks.firstLight()), null));
    // the 48-byte code is the record's last field: its length byte sits just before it
    int lengthAt = valid.length - 1 - 48 - 1;
    assertThat(valid[lengthAt]).isEqualTo((byte) 48);
    byte[] bad = new byte[valid.length + 2];
    System.arraycopy(valid, 0, bad, 0, lengthAt);
    bad[lengthAt] = (byte) 0xff; // 0xffff03 = 65535
    bad[lengthAt + 1] = (byte) 0xff;
    bad[lengthAt + 2] = 0x03;
    System.arraycopy(valid, lengthAt + 1, bad, lengthAt + 3, valid.length - lengthAt - 1);

    assertRejected(bad, "embedding code length is 65535, more than the limit of 4096");
  }

  @Test
  void overlongVarintsAreRejected() {
    assertRejected(hex(HEADER + "ffffffffffffffffffff01"), "varint");
    assertRejected(hex(HEADER + "8080808080808080808080 00"), "varint");
  }

  @Test
  void aDictionaryReferenceOutOfRangeIsRejected() {
    // one track: presence 0, same 0, id "a", title "b", format -> entry 5 of an empty dictionary
    assertRejected(
        hex(HEADER + "00 01 07 00 00 02 61 02 62 05 00"),
        "format refers to dictionary entry 5 of 0");
  }

  @Test
  void theFirstTrackCannotRepeatAPreviousOne() {
    // one track: presence 0, same-as-previous bit 0 (format)
    assertRejected(hex(HEADER + "00 01 02 00 01 00"), "the first track cannot repeat");
  }

  @Test
  void anAbsentFieldCannotRepeatThePreviousTrack() {
    TrackEntry untagged = SampleTracks.untagged();
    byte[] one = CatalogCodec.encode(new CatalogPage(List.of(untagged), null));
    byte[] two = CatalogCodec.encode(new CatalogPage(List.of(untagged, untagged), null));
    // both pages share the dictionary: the second record starts where the first page's cursor is
    int second = one.length - 1;
    assertThat(two[second + 1]).as("presence").isEqualTo((byte) 0);
    assertThat(two[second + 2]).as("same: format to artist id").isEqualTo((byte) 0x1f);
    two[second + 2] |= (byte) (1 << CatalogFormat.SAME_ARTIST); // the absent artist

    assertRejected(two, "an absent field is marked same-as-previous");
  }

  @Test
  void malformedUtf8IsRejected() {
    assertRejected(hex(HEADER + "01 03 c328 00 00"), "not well-formed UTF-8");
  }

  @Test
  void aRealReplacementCharacterIsNotMalformed() throws Exception {
    CatalogPage page = CatalogCodec.decode(hex(HEADER + "00 00 01 04 efbfbd"));
    assertThat(page.next()).isEqualTo("\uFFFD");
  }

  @Test
  void trailingBytesAndBadFlagsAreRejected() {
    assertRejected(hex(HEADER + "00 00 00 00"), "1 trailing bytes");
    assertRejected(hex(HEADER + "00 00 02"), "next-page flag must be 0 or 1");
  }

  @Test
  void aFieldRunningPastItsRecordIsRejected() {
    // the record says 4 bytes, but its id text wants 5 of them
    assertRejected(hex(HEADER + "00 01 04 00 00 06 61 62 63 64 65 00"), "truncated: id");
  }

  @Test
  void aReplayGainOutOfRangeIsRejected() throws Exception {
    TrackEntry untagged = SampleTracks.untagged();
    WireWriter record = new WireWriter(64);
    record.writeVarint(1L << CatalogFormat.TRACK_GAIN);
    record.writeVarint(0);
    record.writeText(untagged.id());
    record.writeText(untagged.tags().title());
    record.writeVarint(0);
    record.writeVarint(1);
    record.writeVarint(0);
    record.writeVarint(0);
    record.writeVarint(CatalogFormat.NAME_LITERAL);
    record.writeText(untagged.path());
    record.writeVarint(2);
    record.writeVarint(3);
    record.writeZigzag(1_000_000); // 10,000 dB
    WireWriter page = new WireWriter(128);
    page.writeBytes(hex(HEADER));
    page.writeVarint(4);
    for (String entry : List.of("wav", "audio/wav", untagged.albumId(), untagged.artistId())) {
      page.writeText(entry);
    }
    page.writeVarint(1);
    page.writeVarint(record.size());
    record.writeTo(page);
    page.writeByte(0);

    assertRejected(page.toByteArray(), "track gain 10000.0 dB is beyond ±200.0 dB");
  }

  @Test
  void fieldsAddedAfterVersionOneAreSkipped() throws Exception {
    TrackEntry untagged = SampleTracks.untagged();
    WireWriter record = new WireWriter(64);
    record.writeVarint(1L << 20); // a presence bit this decoder does not know
    record.writeVarint(0); // nothing repeated from a previous track
    record.writeText(untagged.id());
    record.writeText(untagged.tags().title());
    record.writeVarint(0); // format: "wav"
    record.writeVarint(1); // content type: "audio/wav"
    record.writeVarint(0); // size
    record.writeVarint(0); // no folder
    record.writeVarint(CatalogFormat.NAME_LITERAL);
    record.writeText(untagged.path());
    record.writeVarint(2); // album id
    record.writeVarint(3); // artist id
    record.writeText("a future field's value");
    WireWriter page = new WireWriter(128);
    page.writeBytes(hex(HEADER));
    page.writeVarint(4);
    for (String entry : List.of("wav", "audio/wav", untagged.albumId(), untagged.artistId())) {
      page.writeText(entry);
    }
    page.writeVarint(1);
    page.writeVarint(record.size());
    record.writeTo(page);
    page.writeByte(0);

    assertThat(CatalogCodec.decode(page.toByteArray()).tracks()).containsExactly(untagged);
  }
}
