package dev.cadenza.stream.metadata;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * Content addresses of embeddings: a key names what went into a vector — the model, how it was run
 * and the track's text — so a vector is computed again only when one of those changes, and pods
 * that embed the same text share one stored item.
 */
final class EmbeddingKeys {

  private final String version;
  private final MessageDigest versionRead; // never digested itself: only copied

  EmbeddingKeys(MetadataSettings settings) {
    this.version =
        Embedder.MODEL_NAME
            + "; mean-pooled, L2; max-tokens "
            + settings.maxTokens()
            + "; batch "
            + settings.batchSize()
            + "; text v"
            + TrackText.FORMAT;
    this.versionRead = versionRead(version);
  }

  /** What the vectors are: model, pooling, token limit, batch size and text format. */
  String version() {
    return version;
  }

  /** 22 base64url characters: the first 128 bits of SHA-256 over the version and the text. */
  String of(String text) {
    byte[] digest = afterVersion().digest(text.getBytes(StandardCharsets.UTF_8));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
  }

  /**
   * A digest that has read the version and its newline: a copy of one made once (a pass keys every
   * track of the catalogue, 100,000 at a restart), or a new one when the provider cannot copy.
   */
  private MessageDigest afterVersion() {
    try {
      return (MessageDigest) versionRead.clone();
    } catch (CloneNotSupportedException e) {
      return versionRead(version);
    }
  }

  private static MessageDigest versionRead(String version) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(version.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) '\n');
      return sha;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
