package dev.cadenza.stream.client;

import dev.cadenza.client.CadenzaClient;
import dev.cadenza.client.ClockSync;
import dev.cadenza.client.LocalClock;
import dev.cadenza.client.PlaybackPlan;
import dev.cadenza.client.SessionEventStream;
import dev.cadenza.client.SessionListener;
import dev.cadenza.protocol.Member;
import dev.cadenza.protocol.SessionEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A simulated in-cluster player for the end-to-end tests and the start-spread benchmark: a client
 * whose clock runs {@code shiftMicros} off the true time, synchronised to the media clock, member
 * of a session, and following its events. For every event it records the {@link PlaybackPlan} it
 * would act on, computed the moment the event arrives, as a real player would.
 */
public final class Player implements SessionListener, AutoCloseable {

  /** An event and the plan this player made from it. */
  public record Planned(SessionEvent event, PlaybackPlan plan) {}

  public final long shiftMicros;
  public final LocalClock clock;
  public final ClockSync sync;
  public final List<Planned> planned = new CopyOnWriteArrayList<>();
  private Member member;
  private SessionEventStream events;

  private Player(CadenzaClient client, long shiftMicros) {
    this.shiftMicros = shiftMicros;
    this.clock = LocalClock.system().shiftedBy(shiftMicros);
    this.sync = client.clockSync(clock);
  }

  /** Syncs, joins {@code sessionId} as {@code name} and starts following its events. */
  public static Player join(CadenzaClient client, String sessionId, String name, long shiftMicros) {
    Player player = new Player(client, shiftMicros);
    player.sync.sync();
    player.member = client.join(sessionId, name);
    player.events = client.followEvents(sessionId, player);
    return player;
  }

  @Override
  public void onEvent(SessionEvent event) {
    long now = clock.nowMicros();
    planned.add(
        new Planned(
            event, PlaybackPlan.of(event.session().playback(), sync.requireEstimate(), now)));
  }

  /** The plan made from the event of {@code type} that brought the session to {@code version}. */
  public PlaybackPlan planFor(String type, long version) {
    return planned.stream()
        .filter(p -> p.event().type().equals(type) && p.event().session().version() == version)
        .map(Planned::plan)
        .findFirst()
        .orElse(null);
  }

  /** The true instant (the system clock's) of a local instant of this player. */
  public long trueMicros(long localMicros) {
    return localMicros - shiftMicros;
  }

  public Member member() {
    return member;
  }

  public SessionEventStream events() {
    return events;
  }

  @Override
  public void close() {
    if (events != null) {
      events.close();
    }
    sync.close();
  }
}
