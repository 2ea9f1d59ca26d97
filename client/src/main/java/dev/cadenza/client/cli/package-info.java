/** The {@code cadenza} command line: the client library driven from a shell (docs/client.md). */
package dev.cadenza.client.cli;
