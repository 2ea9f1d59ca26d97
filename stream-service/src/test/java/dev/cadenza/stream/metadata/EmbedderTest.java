package dev.cadenza.stream.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real model through onnxruntime and the DJL tokenizer. */
class EmbedderTest {

  static Embedder embedder;

  @BeforeAll
  static void load() {
    embedder = Embedder.start(MetadataSettings.defaults());
    embedder.loaded().join();
    assertThat(embedder.reason()).isNull();
    assertThat(embedder.state()).isEqualTo(Embedder.State.ENABLED);
  }

  @AfterAll
  static void close() {
    embedder.close();
  }

  @Test
  void vectorsHave384DimensionsAndUnitLength() {
    List<float[]> vectors =
        embed(
            List.of(
                TrackText.of("So What", "Miles Davis", "Kind of Blue", "Jazz", 1959),
                "",
                "a much longer text ".repeat(100)));

    assertThat(vectors).hasSize(3);
    for (float[] v : vectors) {
      assertThat(v).hasSize(384);
      assertThat(BinaryCodes.cosine(v, v)).isCloseTo(1.0, within(1e-5));
      assertThat(norm(v)).isCloseTo(1.0, within(1e-4));
    }
  }

  @Test
  void theSameTextGivesTheSameVector() {
    String text = TrackText.of("Jolene", "Dolly Parton", "Jolene", "Country", 1973);

    float[] first = embed(List.of(text)).get(0);
    float[] second = embed(List.of(text)).get(0);

    assertThat(second).containsExactly(first);
  }

  @Test
  void aListGivesTheVectorsOfItsTextsOneByOne() {
    List<String> texts = mixedLengths();

    List<float[]> together = embed(texts);
    for (int i = 0; i < texts.size(); i++) {
      float[] alone = embed(List.of(texts.get(i))).get(0);
      assertThat(together.get(i)).as(texts.get(i)).containsExactly(alone);
    }
  }

  @Test
  void vectorsDoNotDependOnWorkersOrThreads() {
    // the default (two workers of one thread) against one worker of two threads, bit for bit:
    // stored vectors stay valid when the layout changes, so it is no part of their key
    List<String> texts = mixedLengths();
    MetadataSettings oneWorker =
        new MetadataSettings(true, 1, 2, 1, 64, 256, "", 10000, 200, Duration.ZERO);
    try (Embedder single = new Embedder(oneWorker, Embedder.MODEL, Embedder.TOKENIZER)) {
      List<float[]> shared = embed(texts);
      List<float[]> alone = single.embed(texts).join();
      for (int i = 0; i < texts.size(); i++) {
        assertThat(shared.get(i)).as(texts.get(i)).containsExactly(alone.get(i));
      }
    }
  }

  @Test
  void batchesOf32StayCloseToOneByOneAndDoNotDependOnWhichWorkerRunsThem() {
    // the model's dynamic quantisation ties a batch together: close, not equal (docs/metadata.md)
    List<String> texts = mixedLengths(); // two batches, one for each worker
    MetadataSettings twoWorkers =
        new MetadataSettings(true, 32, 1, 2, 64, 256, "", 10000, 200, Duration.ZERO);
    MetadataSettings oneWorker =
        new MetadataSettings(true, 32, 2, 1, 64, 256, "", 10000, 200, Duration.ZERO);
    try (Embedder shared = new Embedder(twoWorkers, Embedder.MODEL, Embedder.TOKENIZER);
        Embedder single = new Embedder(oneWorker, Embedder.MODEL, Embedder.TOKENIZER)) {
      List<float[]> together = shared.embed(texts).join();
      List<float[]> onOneWorker = single.embed(texts).join();
      for (int i = 0; i < texts.size(); i++) {
        float[] alone = embed(List.of(texts.get(i))).get(0);
        assertThat(BinaryCodes.cosine(together.get(i), alone)).as(texts.get(i)).isGreaterThan(0.97);
        assertThat(together.get(i)).as(texts.get(i)).containsExactly(onOneWorker.get(i));
      }
    }
  }

  /** Texts of different lengths, so that a batch pads most of them. */
  private static List<String> mixedLengths() {
    List<String> texts = new ArrayList<>(GeneratedTracks.texts(40, 7));
    texts.add(TrackText.of("A", null, null, null, null));
    texts.add(TrackText.of("A very long title that keeps going", "x", "y", "z", 2001).repeat(5));
    return texts;
  }

  @Test
  void aVectorIsTheSameAfterTheModelWasFreedAndLoadedAgain() {
    MetadataSettings freedFast =
        new MetadataSettings(true, 1, 2, 1, 64, 256, "", 10000, 200, Duration.ofMillis(50));
    String text = TrackText.of("Jolene", "Dolly Parton", "Jolene", "Country", 1973);
    try (Embedder idle = new Embedder(freedFast, Embedder.MODEL, Embedder.TOKENIZER)) {
      float[] before = idle.embed(List.of(text)).join().get(0);
      await().atMost(Duration.ofSeconds(30)).until(() -> !idle.modelResident());
      assertThat(idle.state()).isEqualTo(Embedder.State.ENABLED);

      float[] after = idle.embed(List.of(text)).join().get(0);

      assertThat(after).containsExactly(before);
      assertThat(after).containsExactly(embed(List.of(text)).get(0));
      assertThat(idle.modelLoads()).isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void tracksOfOneAlbumAreCloserThanAnotherGenre() {
    List<float[]> v =
        embed(
            List.of(
                TrackText.of("So What", "Miles Davis", "Kind of Blue", "Jazz", 1959),
                TrackText.of("Blue in Green", "Miles Davis", "Kind of Blue", "Jazz", 1959),
                TrackText.of("Master of Puppets", "Metallica", "Master of Puppets", "Metal", 1986),
                TrackText.of("Ring of Fire", "Johnny Cash", "Ring of Fire", "Country", 1963)));

    double sameAlbum = BinaryCodes.cosine(v.get(0), v.get(1));
    assertThat(sameAlbum).isGreaterThan(BinaryCodes.cosine(v.get(0), v.get(2)));
    assertThat(sameAlbum).isGreaterThan(BinaryCodes.cosine(v.get(0), v.get(3)));
    assertThat(sameAlbum).isGreaterThan(BinaryCodes.cosine(v.get(1), v.get(2)));
  }

  @Test
  void similarWordingIsCloserThanUnrelatedWording() {
    List<float[]> v =
        embed(
            List.of(
                "slow sad piano ballad",
                "melancholic piano song, quiet and slow",
                "fast aggressive thrash metal with shouted vocals"));

    assertThat(BinaryCodes.cosine(v.get(0), v.get(1)))
        .isGreaterThan(BinaryCodes.cosine(v.get(0), v.get(2)) + 0.1);
  }

  @Test
  void aMissingModelDisablesEmbeddingsWithTheReason() {
    try (Embedder missing =
        new Embedder(MetadataSettings.defaults(), "no-such-model.onnx", Embedder.TOKENIZER)) {
      missing.loaded().join();

      assertThat(missing.state()).isEqualTo(Embedder.State.DISABLED);
      assertThat(missing.reason()).contains("no-such-model.onnx").contains("not on the class path");
      assertThatThrownBy(() -> missing.embed(List.of("x")).join())
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no-such-model.onnx");
    }
  }

  @Test
  void aBrokenModelDisablesEmbeddingsWithTheReason() {
    // a resource that exists but is no ONNX model: onnxruntime refuses it
    try (Embedder broken =
        new Embedder(MetadataSettings.defaults(), Embedder.TOKENIZER, Embedder.TOKENIZER)) {
      broken.loaded().join();

      assertThat(broken.state()).isEqualTo(Embedder.State.DISABLED);
      assertThat(broken.reason()).startsWith("OrtException");
    }
  }

  @Test
  void theSettingTurnsEmbeddingsOff() {
    MetadataSettings off =
        new MetadataSettings(false, 1, 2, 1, 64, 256, "", 10000, 200, Duration.ZERO);
    try (Embedder disabled = Embedder.start(off)) {
      assertThat(disabled.state()).isEqualTo(Embedder.State.DISABLED);
      assertThat(disabled.reason()).isEqualTo("cadenza.metadata.embeddings is false");
      assertThat(disabled.loaded()).isCompleted();
    }
  }

  static List<float[]> embed(List<String> texts) {
    return embedder.embed(texts).join();
  }

  private static double norm(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += x * x;
    }
    return Math.sqrt(sum);
  }
}
