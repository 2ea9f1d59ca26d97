// Reordering a list by dragging a row's handle, with a mouse, a pen or a finger: pointer events,
// because HTML drag and drop does not start from touch. The handle takes the touch itself
// (touch-action: none in app.css), so a finger on it drags the row while the rest of the list still
// scrolls. The keyboard and screen readers move rows with the rows' own buttons instead.

/**
 * Lets each row (`.track-row` with `data-index`) of `list` be dragged by its `.drag-handle`, and
 * calls `move(from, to)` when one is dropped on another row. The rows may be redrawn at any time:
 * the listeners are on the list. `signal` removes them.
 */
export function dragToReorder(list, move, { signal } = {}) {
  let drag = null;

  function over(x, y) {
    const row = document.elementFromPoint(x, y)?.closest('.track-row');
    const target = row && row !== drag.row && list.contains(row) ? row : null;
    if (target === drag.target) return;
    drag.target?.classList.remove('drop-before', 'drop-after');
    drag.target = target;
    // where the row will land: above the target when it moves up, below when it moves down
    target?.classList.add(Number(target.dataset.index) < drag.from ? 'drop-before' : 'drop-after');
  }

  function finish(drop) {
    const { from, row, target } = drag;
    drag = null;
    row.classList.remove('dragging');
    target?.classList.remove('drop-before', 'drop-after');
    if (drop && target) move(from, Number(target.dataset.index));
  }

  list.addEventListener('pointerdown', (event) => {
    const handle = event.target.closest('.drag-handle');
    if (!handle || drag || event.button !== 0) return;
    event.preventDefault(); // no text selection, no focus change
    const row = handle.closest('.track-row');
    drag = { from: Number(row.dataset.index), pointerId: event.pointerId, row, target: null };
    handle.setPointerCapture(event.pointerId);
    row.classList.add('dragging');
  }, { signal });
  list.addEventListener('pointermove', (event) => {
    if (drag?.pointerId === event.pointerId) over(event.clientX, event.clientY);
  }, { signal });
  list.addEventListener('pointerup', (event) => {
    if (drag?.pointerId === event.pointerId) finish(true);
  }, { signal });
  list.addEventListener('pointercancel', (event) => {
    if (drag?.pointerId === event.pointerId) finish(false);
  }, { signal });
}
