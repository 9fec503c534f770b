// Microphone capture at the device's native sample rate (never forced: Firefox refuses to connect a microphone to a
// context of another rate, and 44.1 kHz devices would break). Knows nothing about the relay.
//
// Events: data (detail: ArrayBuffer of PCM16 LE mono, 20–40 ms), level (detail: RMS 0..1 of that frame).

export class MicCapture extends EventTarget {
  #context = null;
  #stream = null;
  #node = null;
  #starting = null;
  #muted = false;

  /**
   * @param {{autoGainControl?: boolean, sampleRate?: number}} options sampleRate is a test-only override;
   * leave it unset in real use.
   */
  constructor({ autoGainControl = false, sampleRate } = {}) {
    super();
    this.autoGainControl = autoGainControl;
    this.forcedSampleRate = sampleRate;
  }

  /** The rate the audio is captured at (known after start). */
  get sampleRate() {
    return this.#context?.sampleRate ?? 0;
  }

  get muted() {
    return this.#muted;
  }

  /** Asks for the microphone and starts capturing. Call from a user gesture (Safari starts contexts suspended). */
  start() {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start() {
    // Created and resumed before the first await, while the click's user activation still counts: Safari and
    // iOS start contexts suspended and only let a gesture resume them.
    this.#context = this.forcedSampleRate
      ? new AudioContext({ sampleRate: this.forcedSampleRate })
      : new AudioContext();
    const resumed = this.#context.resume();
    this.#stream = await navigator.mediaDevices.getUserMedia({
      audio: {
        echoCancellation: true,
        noiseSuppression: true,
        autoGainControl: this.autoGainControl,
        channelCount: 1,
      },
    });
    await resumed;

    await this.#context.audioWorklet.addModule(new URL('../worklets/capture-processor.js', import.meta.url));
    const source = this.#context.createMediaStreamSource(this.#stream);
    this.#node = new AudioWorkletNode(this.#context, 'capture-processor', {
      processorOptions: { frameMs: 20 },
      outputChannelCount: [1],
    });
    this.#node.port.onmessage = ({ data }) => {
      if (this.#muted) {
        return;
      }
      this.dispatchEvent(new CustomEvent('level', { detail: data.level }));
      this.dispatchEvent(new CustomEvent('data', { detail: data.pcm }));
    };
    source.connect(this.#node);
    // The node outputs silence; connecting it keeps the graph pulling it in every browser.
    this.#node.connect(this.#context.destination);
  }

  /** Stops sending audio (and silences the track) without giving up the microphone. */
  setMuted(muted) {
    this.#muted = muted;
    for (const track of this.#stream?.getAudioTracks() ?? []) {
      track.enabled = !muted;
    }
    if (muted) {
      this.dispatchEvent(new CustomEvent('level', { detail: 0 }));
    }
  }

  /** Safe to call while start() is still running: it waits for it, then releases everything. */
  async stop() {
    const starting = this.#starting;
    this.#starting = null;
    if (starting) {
      await starting.catch(() => {});
    }

    this.#node?.port.postMessage('stop');
    this.#node?.disconnect();
    for (const track of this.#stream?.getTracks() ?? []) {
      track.stop();
    }
    await this.#context?.close().catch(() => {});
    this.#node = null;
    this.#stream = null;
    this.#context = null;
    this.#muted = false;
  }
}
