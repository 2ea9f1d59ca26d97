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

  EmbeddingKeys(MetadataSettings settings) {
    this.version =
        Embedder.MODEL_NAME
            + "; mean-pooled, L2; max-tokens "
            + settings.maxTokens()
            + "; batch "
            + settings.batchSize()
            + "; text v"
            + TrackText.FORMAT;
  }

  /** What the vectors are: model, pooling, token limit, batch size and text format. */
  String version() {
    return version;
  }

  /** 22 base64url characters: the first 128 bits of SHA-256 over the version and the text. */
  String of(String text) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(version.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) '\n');
      byte[] digest = sha.digest(text.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
