package dev.cadenza.stream.transcode;

/** A run that did not complete: ffmpeg failed, or the run was stopped. */
public final class TranscodeFailedException extends RuntimeException {

  TranscodeFailedException(String run, TranscodeRun.State state, String why) {
    super(
        run + (state == TranscodeRun.State.STOPPED ? " was stopped: " : " failed: ") + why,
        null,
        false,
        false);
  }
}
