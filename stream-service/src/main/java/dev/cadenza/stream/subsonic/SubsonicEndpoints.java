package dev.cadenza.stream.subsonic;

/**
 * A group of OpenSubsonic methods (browsing, searching, media...), as a Spring bean: {@link
 * SubsonicMethods} collects every group's methods at start-up.
 */
public interface SubsonicEndpoints {

  void register(SubsonicMethods.Registry registry);
}
