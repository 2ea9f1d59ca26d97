package dev.cadenza.stream.session;

import dev.cadenza.protocol.Member;
import dev.cadenza.protocol.SessionView;
import java.util.HashMap;
import java.util.Map;

/**
 * A session as the stores keep it: its state, the kind of change that made this version (the SSE
 * event type a pod that only sees the result announces it as), and who may act on it.
 *
 * @param ownerId the id of the user who created it; null in sessions stored before sessions had
 *     owners, which only admins may end
 * @param memberUsers the user id of each member, by member id; members stored before have none
 */
record StoredSession(
    SessionView view, String change, String ownerId, Map<String, String> memberUsers) {

  StoredSession {
    memberUsers = memberUsers == null ? Map.of() : Map.copyOf(memberUsers);
  }

  String id() {
    return view.id();
  }

  long version() {
    return view.version();
  }

  /** Whether it has expired at media-clock instant {@code nowMicros}. */
  boolean expiredAt(long nowMicros) {
    return view.expiresAtMicros() <= nowMicros;
  }

  /**
   * The version after a change to {@code next}: the same owner, the users of the members still
   * there, and those of {@code joined} (member id to user id).
   */
  StoredSession next(SessionView next, String change, Map<String, String> joined) {
    Map<String, String> users = new HashMap<>();
    for (Member m : next.members()) {
      String user = memberUsers.containsKey(m.id()) ? memberUsers.get(m.id()) : joined.get(m.id());
      if (user != null) {
        users.put(m.id(), user);
      }
    }
    return new StoredSession(next, change, ownerId, users);
  }

  boolean ownedBy(String userId) {
    return userId.equals(ownerId);
  }

  /** Whether one of the members is the user's. */
  boolean hasMemberOf(String userId) {
    return memberUsers.containsValue(userId);
  }
}
