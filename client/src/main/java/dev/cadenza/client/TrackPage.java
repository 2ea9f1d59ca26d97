package dev.cadenza.client;

import java.util.List;

/** One page of the track listing. @param next the cursor of the next page, null on the last */
public record TrackPage(List<Track> items, String next) {}
