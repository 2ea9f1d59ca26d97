package dev.cadenza.stream.library;

/** Cover art: the image bytes and their media type. */
public record Cover(byte[] data, String mediaType) {}
