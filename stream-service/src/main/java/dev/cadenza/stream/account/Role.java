package dev.cadenza.stream.account;

/** What a user may do: an admin also manages users and scans the library. */
public enum Role {
  ADMIN,
  USER
}
