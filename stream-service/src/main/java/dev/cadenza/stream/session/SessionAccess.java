package dev.cadenza.stream.session;

import dev.cadenza.stream.account.AccountProblems;
import dev.cadenza.stream.account.Listener;

/**
 * Who may act on a session (docs/sessions.md): anyone signed in reads and joins it; a user with a
 * member in it, its owner or an admin steers it (play, pause, seek); a member's user, the owner or
 * an admin removes a member; only the owner or an admin ends it. Each check throws a 403 problem.
 */
final class SessionAccess {

  private SessionAccess() {}

  static void steer(StoredSession s, Listener listener, String command) {
    if (!listener.admin() && !s.ownedBy(listener.id()) && !s.hasMemberOf(listener.id())) {
      throw AccountProblems.forbidden(
          command,
          "Only a user with a member in session '"
              + s.id()
              + "', its owner or an admin may "
              + command
              + " it; join it first.");
    }
  }

  static void end(StoredSession s, Listener listener) {
    if (!listener.admin() && !s.ownedBy(listener.id())) {
      throw AccountProblems.forbidden(
          "end", "Only the owner of session '" + s.id() + "' or an admin may end it.");
    }
  }

  static void removeMember(StoredSession s, String memberId, Listener listener) {
    if (!listener.admin()
        && !s.ownedBy(listener.id())
        && !listener.id().equals(s.memberUsers().get(memberId))) {
      throw AccountProblems.forbidden(
          "leave",
          "Only the member's own user, the owner of session '"
              + s.id()
              + "' or an admin may remove member '"
              + memberId
              + "'.");
    }
  }
}
