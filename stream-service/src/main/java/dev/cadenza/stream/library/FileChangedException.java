package dev.cadenza.stream.library;

/**
 * The file changed while its bytes were being sent. The response is cut short (the client sees
 * fewer bytes than Content-Length and retries) rather than completed with bytes of two versions.
 */
public final class FileChangedException extends RuntimeException {

  public FileChangedException(String path) {
    super("'" + path + "' changed while it was being sent; response aborted");
  }
}
