import { h, pageHeading } from '../dom.js';
import { artistList, loadMore } from '../components/cards.js';

export async function render(container, { api, signal }) {
  let page = await api.get('/api/v1/artists', { query: { limit: 100 }, signal });
  container.append(pageHeading('Artists'));
  if (!page.items.length) {
    container.append(h('p', { class: 'empty' }, 'No artists yet.'));
    return;
  }
  const list = artistList(page.items);
  container.append(list);
  if (page.next) {
    container.append(loadMore(async () => {
      page = await api.get('/api/v1/artists', { query: { limit: 100, cursor: page.next }, signal });
      list.append(...artistList(page.items).children);
      return page.next;
    }));
  }
}
