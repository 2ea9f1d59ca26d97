// Drives Cadenza's OpenSubsonic API with a client library that is not ours: the npm package
// subsonic-api. Run by SubsonicClientLibraryTest against a running service, as a real user account
// (password, token and API key); exits non-zero on the first failed check and prints one JSON line
// of what it saw. The user's music data must be empty at the start.
//
// Environment: SUBSONIC_API_DIR (where hack/subsonic-api.sh installed the package), CADENZA_URL,
// CADENZA_USER, CADENZA_PASSWORD, CADENZA_API_KEY (of that user), EXPECTED_SONGS, STREAM_ID and
// STREAM_FILE (a song and its file), LYRICS_ID (a song with synced lyrics).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const env = process.env;
const lib = join(env.SUBSONIC_API_DIR, 'node_modules', 'subsonic-api', 'lib', 'index.js');
const { SubsonicAPI } = await import(pathToFileURL(lib).href);

const url = env.CADENZA_URL;
const password = { username: env.CADENZA_USER, password: env.CADENZA_PASSWORD };
const token = new SubsonicAPI({ url, auth: password }); // u + t + s, a new salt per call
const apiKey = new SubsonicAPI({ url, auth: { apiKey: env.CADENZA_API_KEY } });
const posting = new SubsonicAPI({ url, auth: password, post: true }); // formPost
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const seen = {};

// authentication, three ways
for (const [name, api] of Object.entries({ token, apiKey, posting })) {
  const pong = await api.ping();
  assert.equal(pong.status, 'ok', `${name}: ${JSON.stringify(pong.error)}`);
  assert.equal(pong.openSubsonic, true);
}
const extensions = await token.getOpenSubsonicExtensions();
seen.extensions = extensions.openSubsonicExtensions.map((e) => e.name).sort();

// a full sync, as offline clients do it: search3 with an empty query, page by page
const songs = new Set();
const albums = new Set();
for (let offset = 0; ; offset += 50) {
  const { searchResult3: page } = await token.search3({
    query: '',
    artistCount: 0,
    albumCount: 50,
    albumOffset: offset,
    songCount: 50,
    songOffset: offset,
  });
  (page.song ?? []).forEach((s) => songs.add(s.id));
  (page.album ?? []).forEach((a) => albums.add(a.id));
  if ((page.song ?? []).length < 50 && (page.album ?? []).length < 50) break;
}
assert.equal(songs.size, Number(env.EXPECTED_SONGS));
seen.songs = songs.size;
seen.albums = albums.size;

// browsing by tags
const { artists } = await token.getArtists();
const artistId = artists.index[0].artist[0].id;
const { artist } = await apiKey.getArtist({ id: artistId });
assert.equal(artist.id, artistId);
const { album } = await token.getAlbum({ id: artist.album[0].id });
assert.ok(album.song.length > 0);
const { song } = await posting.getSong({ id: album.song[0].id });
assert.equal(song.id, album.song[0].id);
assert.equal(typeof song.size, 'number');
assert.equal(typeof song.duration, 'number');
assert.ok(album.created instanceof Date, 'created is an ISO 8601 date the library parses');
seen.artist = artist.name;
seen.album = album.name;

// stream with a Range header: the bytes are the file's
const file = readFileSync(env.STREAM_FILE);
const ranged = new SubsonicAPI({
  url,
  auth: password,
  fetch: (input, init) =>
    fetch(input, { ...init, headers: { ...(init?.headers ?? {}), Range: 'bytes=100-5099' } }),
});
const partial = await ranged.stream({ id: env.STREAM_ID });
assert.equal(partial.status, 206);
const bytes = Buffer.from(await partial.arrayBuffer());
assert.equal(sha256(bytes), sha256(file.subarray(100, 5100)));
const whole = await token.stream({ id: env.STREAM_ID, format: 'raw' });
assert.equal(sha256(Buffer.from(await whole.arrayBuffer())), sha256(file));
seen.rangeSha256 = sha256(bytes);

// a cover, scaled
const cover = await token.getCoverArt({ id: album.id, size: 64 });
assert.equal(cover.status, 200);
assert.match(cover.headers.get('content-type'), /^image\//);
seen.coverBytes = (await cover.arrayBuffer()).byteLength;

// lyrics from the file's tags
const { lyricsList } = await apiKey.getLyricsBySongId({ id: env.LYRICS_ID });
assert.equal(lyricsList.structuredLyrics[0].synced, true);
seen.lyricLines = lyricsList.structuredLyrics[0].line.length;

// the user, as the account has it
const { user } = await token.getUser({ username: env.CADENZA_USER });
assert.equal(user.adminRole, false);
assert.equal(user.streamRole, true);
assert.equal(user.playlistRole, true);

// stars and a rating
const songId = env.STREAM_ID;
const ok = (r) => assert.equal(r.status, 'ok', JSON.stringify(r.error));
ok(await token.star({ id: songId, albumId: album.id }));
let { starred2 } = await apiKey.getStarred2();
assert.deepEqual((starred2.song ?? []).map((s) => s.id), [songId]);
assert.deepEqual((starred2.album ?? []).map((a) => a.id), [album.id]);
assert.ok(starred2.song[0].starred instanceof Date, 'starred is an ISO 8601 date');
ok(await posting.setRating({ id: songId, rating: 4 }));
assert.equal((await token.getSong({ id: songId })).song.userRating, 4);
ok(await token.unstar({ id: songId }));
({ starred2 } = await token.getStarred2());
assert.equal((starred2.song ?? []).length, 0);
seen.starredAlbums = (starred2.album ?? []).length;

// now playing, then the play itself
ok(await token.scrobble({ id: songId, submission: false }));
const { nowPlaying } = await apiKey.getNowPlaying();
const mine = (nowPlaying.entry ?? []).filter((e) => e.username === env.CADENZA_USER);
assert.equal(mine.length, 1);
assert.equal(mine[0].id, songId);
assert.equal(mine[0].playerName, 'subsonic-api');
assert.equal(typeof mine[0].minutesAgo, 'number');
ok(await posting.scrobble({ id: songId, submission: true, time: Date.now() }));
seen.playCount = (await token.getSong({ id: songId })).song.playCount;

// a playlist: create, update (remove by index, then add), read, delete
const ids = album.song.map((s) => s.id);
const { playlist: created } = await token.createPlaylist({ name: 'From Node', songId: ids });
assert.equal(created.songCount, ids.length);
ok(
  await posting.updatePlaylist({
    playlistId: created.id,
    name: 'From Node, edited',
    songIndexToRemove: [0],
    songIdToAdd: [songId],
  }),
);
const { playlist: updated } = await apiKey.getPlaylist({ id: created.id });
assert.equal(updated.name, 'From Node, edited');
assert.deepEqual(
  updated.entry.map((e) => e.id),
  [...ids.slice(1), songId],
);
assert.ok(updated.changed instanceof Date);
const { playlists } = await token.getPlaylists();
assert.ok(playlists.playlist.some((p) => p.id === created.id));
seen.playlistEntries = updated.entry.length;
ok(await token.deletePlaylist({ id: created.id }));
const gone = await token.getPlaylist({ id: created.id });
assert.equal(gone.status, 'failed');
assert.equal(gone.error.code, 70);

// the play queue, saved on one "device" and read on another
const last = ids[ids.length - 1];
ok(await posting.savePlayQueue({ id: ids, current: last, position: 4321 }));
const { playQueue } = await apiKey.getPlayQueue();
assert.deepEqual(
  playQueue.entry.map((e) => e.id),
  ids,
);
assert.equal(playQueue.current, last);
assert.equal(playQueue.position, 4321);
assert.equal(playQueue.changedBy, 'subsonic-api');
assert.equal(playQueue.username, env.CADENZA_USER);
seen.queued = playQueue.entry.length;

console.log(JSON.stringify(seen));
