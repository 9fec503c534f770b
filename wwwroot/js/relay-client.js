// The browser side of the relay's /live protocol v1 (docs/protocol.md). Knows nothing about audio devices or the
// page: it sends binary audio and JSON messages, and turns what the relay sends into events.
//
// Events (all CustomEvent; `detail` as noted):
//   open                 the socket is open
//   ready                {sessionId, model, backend, input, outputSampleRate}: the live session is set up
//   audio                ArrayBuffer: PCM16 LE mono 24 kHz model speech
//   inputtranscript      string: a piece of the user's transcript
//   outputtranscript     string: a piece of the model's transcript
//   text                 string: a text part of the model's turn
//   interrupted          the user barged in: flush playback
//   generationcomplete   the model finished generating this turn
//   turncomplete         the model's turn is over
//   error                {code, message, closeCode?, closeReason?}
//   close                {code, reason, wasClean}

const EVENT_NAMES = {
  ready: 'ready',
  inputTranscript: 'inputtranscript',
  outputTranscript: 'outputtranscript',
  text: 'text',
  interrupted: 'interrupted',
  generationComplete: 'generationcomplete',
  turnComplete: 'turncomplete',
  error: 'error',
};

// Audio captured before the socket opens is held (the relay itself holds it until Gemini is ready), up to ~10 s.
const MAX_PENDING_FRAMES = 500;

export class RelayClient extends EventTarget {
  #socket = null;
  #pending = [];

  get isOpen() {
    return this.#socket?.readyState === WebSocket.OPEN;
  }

  /** Opens /live, declaring the format of the audio this page will send. */
  connect({ sampleRate, encoding = 'pcm16', channels = 1, path = '/live' }) {
    this.close();
    const url = new URL(path, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('sampleRate', String(Math.round(sampleRate)));
    url.searchParams.set('encoding', encoding);
    url.searchParams.set('channels', String(channels));

    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      for (const frame of this.#pending) {
        socket.send(frame);
      }
      this.#pending = [];
      this.#emit('open');
    };
    socket.onmessage = (message) => this.#onMessage(message.data);
    socket.onclose = (event) => {
      if (this.#socket === socket) {
        this.#socket = null;
        this.#pending = [];
      }
      this.#emit('close', { code: event.code, reason: event.reason, wasClean: event.wasClean });
    };
    this.#socket = socket;
  }

  /** Sends one frame of microphone audio (in the declared format). */
  sendAudio(buffer) {
    this.#send(buffer);
  }

  /** Sends a typed user turn. */
  sendText(text) {
    this.#send(JSON.stringify({ type: 'text', text }));
  }

  /** Tells the model the microphone stopped (muted or paused). */
  sendAudioStreamEnd() {
    this.#send(JSON.stringify({ type: 'audioStreamEnd' }));
  }

  sendActivityStart() {
    this.#send(JSON.stringify({ type: 'activityStart' }));
  }

  sendActivityEnd() {
    this.#send(JSON.stringify({ type: 'activityEnd' }));
  }

  close() {
    const socket = this.#socket;
    this.#socket = null;
    this.#pending = [];
    if (socket && socket.readyState <= WebSocket.OPEN) {
      socket.close(1000, 'bye');
    }
  }

  #send(data) {
    const socket = this.#socket;
    if (!socket) {
      return;
    }

    if (socket.readyState === WebSocket.OPEN) {
      socket.send(data);
    } else if (socket.readyState === WebSocket.CONNECTING && this.#pending.length < MAX_PENDING_FRAMES) {
      this.#pending.push(data);
    }
  }

  #onMessage(data) {
    if (data instanceof ArrayBuffer) {
      this.#emit('audio', data);
      return;
    }

    let message;
    try {
      message = JSON.parse(data);
    } catch {
      this.#emit('error', { code: 'bad_event', message: 'The relay sent something that is not JSON.' });
      return;
    }

    const name = EVENT_NAMES[message.type];
    if (!name) {
      return; // a newer relay's event this page does not know: ignore it
    }

    const detail = 'text' in message && name !== 'ready' && name !== 'error' ? message.text : message;
    this.#emit(name, detail);
  }

  #emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }
}
