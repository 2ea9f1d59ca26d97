/**
 * The compact binary catalogue format ({@value CatalogCodec#MEDIA_TYPE}): track listings as a
 * string dictionary plus varint-coded tracks, shared by the stream service and the Java client. The
 * byte layout, compatibility rules and limits are in {@code docs/catalog-format.md}.
 */
package dev.cadenza.protocol.catalog;
