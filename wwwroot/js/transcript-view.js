// The conversation as text: one line per speaker per turn, chunks of a turn merged into that line; tool calls as
// small lines of their own, and the web sources of a grounded answer as links under the model's line.

export class TranscriptView {
  #list;
  #userLine = null;
  #modelLine = null;
  #toolLines = new Map();

  constructor(list) {
    this.#list = list;
  }

  /** Appends a chunk of what the user said to the user's line of this turn. */
  appendUser(text) {
    this.#userLine ??= this.#addLine('user', 'You');
    this.#append(this.#userLine, text);
  }

  /** A typed turn: its own finished line. */
  addTypedUser(text) {
    this.endTurn();
    this.#append(this.#addLine('user', 'You (typed)'), text);
  }

  appendModel(text) {
    this.#modelLine ??= this.#addLine('model', 'Model');
    this.#append(this.#modelLine, text);
  }

  /** The model's line of the current turn (created if the turn has no text yet), e.g. to label its audio. */
  currentModelLine() {
    this.#modelLine ??= this.#addLine('model', 'Model');
    return this.#modelLine;
  }

  /** Shows the time from the end of the user's speech to the model's first audio on that turn's line. */
  showTimeToFirstAudio(line, milliseconds) {
    const badge = line.querySelector('.ttfa') ?? line.appendChild(document.createElement('span'));
    badge.className = 'ttfa';
    badge.dataset.testid = 'ttfa';
    badge.textContent = `first audio ${Math.round(milliseconds)} ms`;
  }

  /** A tool call the relay is running: "🔧 name …" until finishToolCall. */
  addToolCall({ id, name, args }) {
    const item = document.createElement('li');
    item.className = 'tool';
    item.dataset.testid = 'tool-call';
    item.dataset.state = 'running';
    const label = document.createElement('span');
    label.className = 'tool-name';
    label.textContent = `🔧 ${name}`;
    if (args && Object.keys(args).length > 0) {
      label.title = JSON.stringify(args);
    }
    const result = document.createElement('span');
    result.className = 'tool-result';
    result.textContent = '…';
    item.append(label, ' ', result);
    this.#list.append(item);
    item.scrollIntoView({ block: 'end' });
    this.#toolLines.set(id, item);
  }

  /** Shows how a tool call ended: "✓ 12 ms", "✗ <error>" or "cancelled". */
  finishToolCall({ id, ok, durationMs, error, cancelled }) {
    const item = this.#toolLines.get(id);
    if (!item) {
      return;
    }
    this.#toolLines.delete(id);
    const result = item.querySelector('.tool-result');
    const ms = `${Math.round(Number(durationMs) || 0)} ms`;
    if (cancelled) {
      item.dataset.state = 'cancelled';
      result.textContent = `cancelled after ${ms}`;
    } else if (ok) {
      item.dataset.state = 'ok';
      result.textContent = `✓ ${ms}`;
    } else {
      item.dataset.state = 'failed';
      result.textContent = `✗ ${error || 'failed'} (${ms})`;
    }
  }

  /** The web sources behind this turn's answer, as links under the model's line (merged, no duplicates). */
  addGrounding({ sources, queries }) {
    const line = this.currentModelLine();
    let box = line.querySelector('.grounding');
    if (!box) {
      box = document.createElement('div');
      box.className = 'grounding';
      box.dataset.testid = 'grounding';
      const label = document.createElement('span');
      label.className = 'grounding-label';
      label.textContent = 'Sources:';
      box.append(label);
      line.append(box);
    }
    if (queries?.length > 0) {
      box.title = `Searched: ${queries.join(' · ')}`;
    }
    for (const { title, uri } of sources ?? []) {
      const url = safeWebUrl(uri);
      if (!url || [...box.querySelectorAll('a')].some((a) => a.href === url.href)) {
        continue;
      }
      const link = document.createElement('a');
      link.href = url.href;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      link.textContent = title || url.hostname;
      box.append(' ', link);
    }
  }

  /** The turn is over: the next chunks start new lines. */
  endTurn() {
    this.#userLine = null;
    this.#modelLine = null;
  }

  clear() {
    this.endTurn();
    this.#toolLines.clear();
    this.#list.replaceChildren();
  }

  #addLine(speaker, label) {
    const item = document.createElement('li');
    item.className = speaker;
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = label;
    const text = document.createElement('span');
    text.className = 'text';
    item.append(who, text);
    this.#list.append(item);
    item.scrollIntoView({ block: 'end' });
    return item;
  }

  #append(line, text) {
    line.querySelector('.text').textContent += text;
  }
}

/** Only http(s) links are shown: a source URI is the model's data, and a javascript: URL must never be clickable. */
function safeWebUrl(uri) {
  try {
    const url = new URL(String(uri));
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}
