import { h, pageHeading } from '../dom.js';
import { albumGrid, loadMore } from '../components/cards.js';

export async function render(container, { api, signal }) {
  let page = await api.get('/api/v1/albums', { query: { limit: 60 }, signal });
  container.append(pageHeading('Albums'));
  if (!page.items.length) {
    container.append(h('p', { class: 'empty' }, 'No albums yet.'));
    return;
  }
  const grid = albumGrid(page.items);
  container.append(grid);
  if (page.next) {
    container.append(loadMore(async () => {
      page = await api.get('/api/v1/albums', { query: { limit: 60, cursor: page.next }, signal });
      grid.append(...albumGrid(page.items).children);
      return page.next;
    }));
  }
}
