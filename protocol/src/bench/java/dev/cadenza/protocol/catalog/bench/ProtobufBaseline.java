package dev.cadenza.protocol.catalog.bench;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import dev.cadenza.protocol.catalog.AudioProperties;
import dev.cadenza.protocol.catalog.CatalogPage;
import dev.cadenza.protocol.catalog.TrackEntry;
import dev.cadenza.protocol.catalog.TrackTags;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The page as Protocol Buffers, written and read field by field as protoc's Java code would for:
 *
 * <pre>
 * message Page { repeated Track items = 1; optional string next = 2; }
 * message Track {
 *   string id = 1; string title = 2; optional string artist = 3; optional string album = 4;
 *   optional string album_artist = 5; optional int32 track_number = 6;
 *   optional int32 disc_number = 7; optional int32 year = 8; optional string genre = 9;
 *   optional int64 duration_ms = 10; string format = 11; string content_type = 12;
 *   int64 size = 13; optional int32 bitrate = 14; optional int32 sample_rate = 15;
 *   optional int32 channels = 16; optional string codec = 17; string path = 18;
 *   string album_id = 19; string artist_id = 20; bool has_cover = 21;
 *   optional bytes embedding_code = 22;
 * }
 * </pre>
 */
final class ProtobufBaseline {

  byte[] encode(CatalogPage page) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      ByteArrayOutputStream trackBytes = new ByteArrayOutputStream(512);
      for (TrackEntry t : page.tracks()) {
        trackBytes.reset();
        CodedOutputStream track = CodedOutputStream.newInstance(trackBytes);
        writeTrack(track, t);
        track.flush();
        out.writeByteArray(1, trackBytes.toByteArray());
      }
      if (page.next() != null) {
        out.writeString(2, page.next());
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeTrack(CodedOutputStream out, TrackEntry t) throws IOException {
    TrackTags tags = t.tags();
    AudioProperties audio = t.audio();
    out.writeString(1, t.id());
    out.writeString(2, tags.title());
    writeString(out, 3, tags.artist());
    writeString(out, 4, tags.album());
    writeString(out, 5, tags.albumArtist());
    writeInt(out, 6, tags.trackNumber());
    writeInt(out, 7, tags.discNumber());
    writeInt(out, 8, tags.year());
    writeString(out, 9, tags.genre());
    if (tags.durationMs() != null) {
      out.writeInt64(10, tags.durationMs());
    }
    out.writeString(11, t.format());
    out.writeString(12, t.contentType());
    out.writeInt64(13, t.size());
    writeInt(out, 14, audio.bitrate());
    writeInt(out, 15, audio.sampleRate());
    writeInt(out, 16, audio.channels());
    writeString(out, 17, audio.codec());
    out.writeString(18, t.path());
    out.writeString(19, t.albumId());
    out.writeString(20, t.artistId());
    if (t.hasCover()) {
      out.writeBool(21, true);
    }
    if (t.embeddingCode() != null) {
      out.writeByteArray(22, t.embeddingCode());
    }
  }

  private static void writeString(CodedOutputStream out, int field, String value)
      throws IOException {
    if (value != null) {
      out.writeString(field, value);
    }
  }

  private static void writeInt(CodedOutputStream out, int field, Integer value) throws IOException {
    if (value != null) {
      out.writeInt32(field, value);
    }
  }

  CatalogPage decode(byte[] bytes) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      List<TrackEntry> tracks = new ArrayList<>();
      String next = null;
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        switch (tag >>> 3) {
          case 1 -> {
            int limit = in.pushLimit(in.readRawVarint32());
            tracks.add(readTrack(in));
            in.popLimit(limit);
          }
          case 2 -> next = in.readStringRequireUtf8();
          default -> in.skipField(tag);
        }
      }
      return new CatalogPage(tracks, next);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static TrackEntry readTrack(CodedInputStream in) throws IOException {
    // proto3: a string field not on the wire is ""
    TrackEntry.Builder t =
        TrackEntry.builder().id("").format("").contentType("").path("").albumId("").artistId("");
    TrackTags.Builder tags = TrackTags.builder().title("");
    Integer bitrate = null;
    Integer sampleRate = null;
    Integer channels = null;
    String codec = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag >>> 3) {
        case 1 -> t.id(in.readStringRequireUtf8());
        case 2 -> tags.title(in.readStringRequireUtf8());
        case 3 -> tags.artist(in.readStringRequireUtf8());
        case 4 -> tags.album(in.readStringRequireUtf8());
        case 5 -> tags.albumArtist(in.readStringRequireUtf8());
        case 6 -> tags.trackNumber(in.readInt32());
        case 7 -> tags.discNumber(in.readInt32());
        case 8 -> tags.year(in.readInt32());
        case 9 -> tags.genre(in.readStringRequireUtf8());
        case 10 -> tags.durationMs(in.readInt64());
        case 11 -> t.format(in.readStringRequireUtf8());
        case 12 -> t.contentType(in.readStringRequireUtf8());
        case 13 -> t.size(in.readInt64());
        case 14 -> bitrate = in.readInt32();
        case 15 -> sampleRate = in.readInt32();
        case 16 -> channels = in.readInt32();
        case 17 -> codec = in.readStringRequireUtf8();
        case 18 -> t.path(in.readStringRequireUtf8());
        case 19 -> t.albumId(in.readStringRequireUtf8());
        case 20 -> t.artistId(in.readStringRequireUtf8());
        case 21 -> t.hasCover(in.readBool());
        case 22 -> t.embeddingCode(in.readByteArray());
        default -> in.skipField(tag);
      }
    }
    return t.tags(tags.build())
        .audio(new AudioProperties(bitrate, sampleRate, channels, codec))
        .build();
  }
}
