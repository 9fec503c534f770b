// The browser side of the relay's /live protocol v1 (docs/protocol.md). Knows nothing about audio devices, cameras
// or the page: it sends binary audio and JSON messages, and turns what the relay sends into events.
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
//   toolcall             {id, name, args}: the model called a server-side tool (the relay runs it)
//   toolresult           {id, name, ok, durationMs, error?, cancelled?}: that call finished, failed or was cancelled
//   usage                {promptTokenCount, responseTokenCount, totalTokenCount, promptTokensByModality,
//                         responseTokensByModality, thoughtsTokenCount?, cachedContentTokenCount?,
//                         toolUsePromptTokenCount?}: tokens of one model turn
//   grounding            {sources: [{title, uri}], queries: [string]}: web sources behind the model's answer
//   warning              {code, message}: a non-fatal notice (e.g. image_rate_limited); the session goes on
//   error                {code, message, closeCode?, closeReason?}
//   close                {code, reason, wasClean, opened}: opened is false when the relay refused the connection

const EVENT_NAMES = {
  ready: 'ready',
  inputTranscript: 'inputtranscript',
  outputTranscript: 'outputtranscript',
  text: 'text',
  interrupted: 'interrupted',
  generationComplete: 'generationcomplete',
  turnComplete: 'turncomplete',
  toolCall: 'toolcall',
  toolResult: 'toolresult',
  usage: 'usage',
  grounding: 'grounding',
  warning: 'warning',
  reconnecting: 'reconnecting',
  resumed: 'resumed',
  sessionExpiring: 'sessionexpiring',
  resumeToken: 'resumetoken',
  shutdown: 'shutdown',
  error: 'error',
};

// Events whose detail is just their text.
const TEXT_EVENTS = new Set(['inputtranscript', 'outputtranscript', 'text']);

// Per-session choices the relay accepts on the URL (each only as far as its operator allows).
// access_token: the page's credential (Relay:Auth); resume: the latest resume token after a dropped socket.
const SESSION_OPTIONS = ['vad', 'voice', 'language', 'transcripts', 'access_token', 'resume'];

// Audio captured before the socket opens is held (the relay itself holds it until Gemini is ready), up to ~10 s.
const MAX_PENDING_FRAMES = 500;

export class RelayClient extends EventTarget {
  #socket = null;
  #pending = [];
  #dropped = false;

  get isOpen() {
    return this.#socket?.readyState === WebSocket.OPEN;
  }

  /**
   * Opens /live, declaring the format of the audio this page will send.
   * @param {object} options
   * @param {number} options.sampleRate Hz of the audio frames (the capture context's native rate).
   * @param {'pcm16'|'float32'} [options.encoding]
   * @param {1|2} [options.channels]
   * @param {'auto'|'manual'} [options.vad] manual: the page marks turns with sendActivityStart/sendActivityEnd.
   * @param {string} [options.voice] a prebuilt voice the operator allows (Gemini:AllowedVoices).
   * @param {string} [options.language] BCP-47 code of the conversation, e.g. en-US.
   * @param {'on'|'off'} [options.transcripts] whether the relay asks Gemini for transcripts.
   * Unset options are left to the relay's configuration.
   */
  connect({ sampleRate, encoding = 'pcm16', channels = 1, path = '/live', ...session }) {
    this.close();
    const url = new URL(path, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('sampleRate', String(Math.round(sampleRate)));
    url.searchParams.set('encoding', encoding);
    url.searchParams.set('channels', String(channels));
    for (const name of SESSION_OPTIONS) {
      if (session[name] !== undefined && session[name] !== null && session[name] !== '') {
        url.searchParams.set(name, String(session[name]));
      }
    }

    const socket = new WebSocket(url);
    let opened = false;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      opened = true;
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
      // A drop() reports 4000 whatever the relay answered, as a real network failure would report 1006.
      const code = this.#dropped ? 4000 : event.code;
      this.#dropped = false;
      this.#emit('close', { code, reason: event.reason, wasClean: event.wasClean, opened });
    };
    this.#socket = socket;
  }

  /** Drops the connection as a network failure would (code 4000); the page's reconnect logic takes over. */
  drop() {
    const socket = this.#socket;
    if (socket && socket.readyState === WebSocket.OPEN) {
      this.#dropped = true;
      socket.close(4000, 'dropped');
    }
  }

  /** Sends one frame of microphone audio (in the declared format). */
  sendAudio(buffer) {
    return this.#send(buffer);
  }

  /** Sends a typed user turn. */
  sendText(text) {
    return this.#send(JSON.stringify({ type: 'text', text }));
  }

  /** Tells the model the microphone stopped (muted or paused). Automatic turn-taking only (not with vad=manual). */
  sendAudioStreamEnd() {
    return this.#send(JSON.stringify({ type: 'audioStreamEnd' }));
  }

  /** vad=manual only: the user started talking (the audio that follows is their turn). */
  sendActivityStart() {
    return this.#send(JSON.stringify({ type: 'activityStart' }));
  }

  /** vad=manual only: the user stopped talking; the model answers. */
  sendActivityEnd() {
    return this.#send(JSON.stringify({ type: 'activityEnd' }));
  }

  /**
   * Sends one camera or screen frame. The relay takes about one per second (more are dropped with a single
   * `warning`) of at most Relay:MaxImageBytes decoded.
   * @param {'image/jpeg'|'image/png'|'image/webp'} mimeType
   * @param {string} base64 the image bytes in standard base64, without a `data:` prefix.
   * @returns {boolean} whether the frame was sent or queued for the opening socket.
   */
  sendImage(mimeType, base64) {
    return this.#send(JSON.stringify({ type: 'image', mimeType, data: base64 }));
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
      return false;
    }

    if (socket.readyState === WebSocket.OPEN) {
      socket.send(data);
      return true;
    }

    if (socket.readyState === WebSocket.CONNECTING && this.#pending.length < MAX_PENDING_FRAMES) {
      this.#pending.push(data);
      return true;
    }

    return false;
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

    const known = message !== null && typeof message === 'object' && Object.hasOwn(EVENT_NAMES, message.type);
    const name = known ? EVENT_NAMES[message.type] : undefined;
    if (!name) {
      return; // a newer relay's event this page does not know: ignore it
    }

    this.#emit(name, TEXT_EVENTS.has(name) ? String(message.text ?? '') : message);
  }

  #emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }
}
