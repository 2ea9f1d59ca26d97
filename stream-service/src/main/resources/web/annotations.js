// What the listener starred and rated: one place the track rows, album headers and the player bar
// read and change, so a star set in one shows in all.

export function createAnnotations(api) {
  const known = new Map(); // "kind/id" → {starred, rating}
  const events = new EventTarget();
  const key = (kind, id) => `${kind}/${id}`;

  function remember(annotation) {
    known.set(key(annotation.kind, annotation.id), {
      starred: annotation.starredAt != null,
      rating: annotation.rating ?? 0,
    });
    events.dispatchEvent(new CustomEvent('change', { detail: { kind: annotation.kind, id: annotation.id } }));
  }

  return {
    events,
    get(kind, id) {
      return known.get(key(kind, id)) ?? { starred: false, rating: 0 };
    },
    /** Loads the annotations of items not known yet (a page of a listing). */
    async load(kind, ids, { signal } = {}) {
      const missing = [...new Set(ids)].filter((id) => !known.has(key(kind, id)));
      for (let i = 0; i < missing.length; i += 500) {
        const page = await api.get('/api/v1/me/annotations', { query: { kind, ids: missing.slice(i, i + 500).join(',') }, signal });
        // A star set while this page loaded is newer than what the page says.
        page.items.filter((a) => !known.has(key(a.kind, a.id))).forEach(remember);
      }
    },
    async setStarred(kind, id, starred) {
      if (starred) remember(await api.put(`/api/v1/me/stars/${kind}/${id}`));
      else {
        await api.delete(`/api/v1/me/stars/${kind}/${id}`);
        remember({ kind, id, starredAt: null, rating: this.get(kind, id).rating });
      }
    },
    async setRating(kind, id, rating) {
      if (rating > 0) remember(await api.put(`/api/v1/me/ratings/${kind}/${id}`, { rating }));
      else {
        await api.delete(`/api/v1/me/ratings/${kind}/${id}`);
        remember({ kind, id, starredAt: this.get(kind, id).starred ? 'yes' : null, rating: 0 });
      }
    },
  };
}
