package dev.cadenza.stream.delivery;

/**
 * The file changed while its bytes were being sent. The response is cut short (the client sees
 * fewer bytes than Content-Length and retries) rather than completed with bytes of two versions.
 */
final class FileChangedException extends RuntimeException {

  FileChangedException(String path) {
    super("'" + path + "' changed while it was being sent; response aborted");
  }
}
