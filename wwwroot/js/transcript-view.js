// The conversation as text: one line per speaker per turn, chunks of a turn merged into that line.

export class TranscriptView {
  #list;
  #userLine = null;
  #modelLine = null;

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

  /** The turn is over: the next chunks start new lines. */
  endTurn() {
    this.#userLine = null;
    this.#modelLine = null;
  }

  clear() {
    this.endTurn();
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
