// The dashboard's only script. It listens to the server's change feed (Server-Sent Events) and, when models load,
// fetches again only the panels that read them and swaps each in place; and it applies the filters on change.
const status = document.getElementById('live-status');
let updates = 0;

function say(state, text) {
  document.body.dataset.live = state;
  if (status) status.textContent = text;
}

const source = new EventSource(`/events?page=${encodeURIComponent(document.body.dataset.page ?? '')}`);
source.addEventListener('ready', () => say('connected', 'live'));
source.addEventListener('error', () => say('reconnecting', 'reconnecting…'));
source.addEventListener('changed', (event) => {
  const keys = new Set(JSON.parse(event.data).keys);
  for (const panel of document.querySelectorAll('[data-panel]')) {
    if (panel.dataset.depends.split(' ').some((key) => keys.has(key))) refresh(panel.dataset.panel);
  }
});

// One fetch per panel at a time; a change during it fetches once more when it ends.
const running = new Map();

async function refresh(id) {
  const state = running.get(id);
  if (state) {
    state.again = true;
    return;
  }
  const mine = { again: false };
  running.set(id, mine);
  try {
    do {
      mine.again = false;
      await swap(id);
    } while (mine.again);
  } finally {
    running.delete(id);
  }
}

async function swap(id) {
  const panel = document.querySelector(`[data-panel="${CSS.escape(id)}"]`);
  if (!panel) return;
  const response = await fetch(panel.dataset.src, { headers: { accept: 'text/html' } });
  if (!response.ok) return;
  const template = document.createElement('template');
  template.innerHTML = await response.text();
  const fresh = template.content.firstElementChild;
  if (!fresh) return;
  // A query the reader opened stays open.
  if (panel.querySelector('details[open]')) fresh.querySelector('details')?.setAttribute('open', '');
  fresh.classList.add('updated');
  panel.replaceWith(fresh);
  updates += 1;
  document.body.dataset.updates = String(updates);
}

const controls = document.querySelector('form.controls');
controls?.addEventListener('change', () => controls.requestSubmit());
