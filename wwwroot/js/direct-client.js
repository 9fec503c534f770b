// Direct mode: the page talks to Gemini Live itself with a short-lived token from the relay's POST /api/token
// (protocol reference 1.2 and 7), instead of streaming through /live. One network hop less; in exchange the relay
// sees nothing of the session: no server-side tools, limits, resume tokens or logs beyond the token it minted.
//
// A drop-in for RelayClient (same methods, same event names and details where Gemini offers the same thing):
//   open, ready, audio, inputtranscript, outputtranscript, text, interrupted, generationcomplete, turncomplete,
//   usage, grounding, sessionexpiring ({reason: 'goAway', secondsLeft}), resumetoken ({token}: Gemini's own resume
//   handle, pass it back as `resume`), error, close.
// Never emitted here: toolcall/toolresult (the token carries no function tools), warning, reconnecting, resumed,
// shutdown. Audio is sent at the capture's own rate (Gemini resamples: `audio/pcm;rate=<sampleRate>`).

const MAX_PENDING_MESSAGES = 500;

export class DirectClient extends EventTarget {
  #socket = null;
  #pending = [];
  #ready = false;
  #dropped = false;
  #mimeType = 'audio/pcm;rate=16000';
  #generation = 0;

  get isOpen() {
    return this.#socket?.readyState === WebSocket.OPEN;
  }

  /**
   * Asks the relay for a token, then opens Gemini's constrained endpoint and sends the setup.
   * @param {object} options
   * @param {number} options.sampleRate Hz of the PCM16 mono frames this page sends.
   * @param {'auto'|'manual'} [options.vad] manual: the page marks turns (only if the operator left it unlocked).
   * @param {string} [options.access_token] the page's credential for the relay (Relay:Auth).
   * @param {string} [options.resume] a Gemini resume handle from an earlier `resumetoken` event.
   * @param {string} [options.tokenPath] where the relay mints tokens.
   */
  async connect({ sampleRate, vad, access_token: accessToken, resume, tokenPath = '/api/token' }) {
    this.close();
    const generation = ++this.#generation;
    this.#mimeType = `audio/pcm;rate=${Math.round(sampleRate)}`;
    let minted;
    let url;
    try {
      const response = await fetch(tokenPath, {
        method: 'POST',
        headers: accessToken ? { Authorization: `Bearer ${accessToken}` } : {},
        cache: 'no-store',
      });
      if (!response.ok) {
        throw new Error((await response.text()) || `HTTP ${response.status}`);
      }
      minted = await response.json();
      url = new URL(minted.url);
      // Browsers cannot set headers on a WebSocket; the '/' of "auth_tokens/…" stays as the SDKs send it.
      url.search = `access_token=${encodeURIComponent(minted.token).replaceAll('%2F', '/')}`;
    } catch (error) {
      if (generation === this.#generation) {
        this.#emit('error', { code: 'token_unavailable', message: error.message });
        this.#emit('close', { code: 1006, reason: 'no token', wasClean: false, opened: false });
      }
      return;
    }
    if (generation !== this.#generation) {
      return; // closed (or reconnected) while the token was on its way
    }

    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    let opened = false;
    socket.onopen = () => {
      opened = true;
      // The token locks the operator's fields; what it leaves open (resumption, and turn-taking unless the operator
      // configured it) comes from here.
      const setup = { model: minted.model, sessionResumption: resume ? { handle: resume } : {} };
      if (vad === 'manual') {
        setup.realtimeInputConfig = { automaticActivityDetection: { disabled: true } };
      }
      socket.send(JSON.stringify({ setup }));
      this.#emit('open');
    };
    socket.onmessage = (message) => this.#onMessage(message.data, minted.model, sampleRate);
    socket.onclose = (event) => {
      if (this.#socket === socket) {
        this.#socket = null;
        this.#pending = [];
        this.#ready = false;
      }
      const code = this.#dropped ? 4000 : event.code;
      this.#dropped = false;
      if (opened && code !== 1000 && code !== 4000) {
        // Gemini reports every error by closing (1007 bad request or token, 1008 policy, 1011 server or quota).
        this.#emit('error', { code: 'upstream_closed', message: event.reason || `Gemini closed the connection (${code}).`, closeCode: code, closeReason: event.reason });
      }
      this.#emit('close', { code, reason: event.reason, wasClean: event.wasClean, opened });
    };
    this.#socket = socket;
  }

  drop() {
    if (this.#socket?.readyState === WebSocket.OPEN) {
      this.#dropped = true;
      this.#socket.close(4000, 'dropped');
    }
  }

  sendAudio(buffer) {
    return this.#send({ realtimeInput: { audio: { data: toBase64(buffer), mimeType: this.#mimeType } } });
  }

  sendText(text) {
    return this.#send({ realtimeInput: { text } });
  }

  sendAudioStreamEnd() {
    return this.#send({ realtimeInput: { audioStreamEnd: true } });
  }

  sendActivityStart() {
    return this.#send({ realtimeInput: { activityStart: {} } });
  }

  sendActivityEnd() {
    return this.#send({ realtimeInput: { activityEnd: {} } });
  }

  sendImage(mimeType, base64) {
    return this.#send({ realtimeInput: { video: { data: base64, mimeType } } });
  }

  close() {
    this.#generation++;
    const socket = this.#socket;
    this.#socket = null;
    this.#pending = [];
    this.#ready = false;
    if (socket && socket.readyState <= WebSocket.OPEN) {
      socket.close(1000, 'bye');
    }
  }

  // Gemini takes nothing but the setup before setupComplete: hold everything until then.
  #send(message) {
    const socket = this.#socket;
    if (!socket) {
      return false;
    }
    const text = JSON.stringify(message);
    if (this.#ready && socket.readyState === WebSocket.OPEN) {
      socket.send(text);
      return true;
    }
    if (socket.readyState <= WebSocket.OPEN && this.#pending.length < MAX_PENDING_MESSAGES) {
      this.#pending.push(text);
      return true;
    }
    return false;
  }

  #onMessage(data, model, sampleRate) {
    let message;
    try {
      // Gemini sends its JSON in binary frames.
      message = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
    } catch {
      return;
    }

    if (message.setupComplete) {
      this.#ready = true;
      for (const text of this.#pending) {
        this.#socket?.send(text);
      }
      this.#pending = [];
      this.#emit('ready', {
        protocol: 1, sessionId: null, model, backend: 'gemini', direct: true,
        input: { sampleRate, encoding: 'pcm16', channels: 1 }, outputSampleRate: 24000,
      });
    }
    const content = message.serverContent;
    if (content) {
      for (const part of content.modelTurn?.parts ?? []) {
        if (part.inlineData?.data && part.inlineData.mimeType?.startsWith('audio/')) {
          this.#emit('audio', fromBase64(part.inlineData.data));
        } else if (part.text && !part.thought) {
          this.#emit('text', part.text);
        }
      }
      if (content.inputTranscription?.text) this.#emit('inputtranscript', content.inputTranscription.text);
      if (content.outputTranscription?.text) this.#emit('outputtranscript', content.outputTranscription.text);
      if (content.interrupted) this.#emit('interrupted');
      if (content.generationComplete) this.#emit('generationcomplete');
      if (content.groundingMetadata) this.#emit('grounding', grounding(content.groundingMetadata));
      if (content.turnComplete) this.#emit('turncomplete');
    }
    if (message.usageMetadata) this.#emit('usage', usage(message.usageMetadata));
    if (message.sessionResumptionUpdate?.resumable && message.sessionResumptionUpdate.newHandle) {
      this.#emit('resumetoken', { token: message.sessionResumptionUpdate.newHandle });
    }
    if (message.goAway) {
      this.#emit('sessionexpiring', { reason: 'goAway', secondsLeft: parseFloat(message.goAway.timeLeft) || 0 });
    }
  }

  #emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }
}

function usage(u) {
  const byModality = (details) => Object.fromEntries((details ?? []).map((d) => [d.modality, Number(d.tokenCount ?? 0)]));
  return {
    promptTokenCount: Number(u.promptTokenCount ?? 0),
    responseTokenCount: Number(u.responseTokenCount ?? u.candidatesTokenCount ?? 0),
    totalTokenCount: Number(u.totalTokenCount ?? 0),
    promptTokensByModality: byModality(u.promptTokensDetails),
    responseTokensByModality: byModality(u.responseTokensDetails ?? u.candidatesTokensDetails),
  };
}

function grounding(g) {
  return {
    sources: (g.groundingChunks ?? []).filter((c) => c.web).map((c) => ({ title: c.web.title ?? '', uri: c.web.uri ?? '' })),
    queries: g.webSearchQueries ?? [],
  };
}

function toBase64(buffer) {
  const bytes = ArrayBuffer.isView(buffer) ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) : new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function fromBase64(base64) {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    bytes[i] = binary.charCodeAt(i);
  }
  return bytes.buffer;
}
