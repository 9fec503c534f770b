// Plays PCM16 24 kHz model speech through the playback worklet (ring buffer, adaptive jitter buffer, fades).
// Knows nothing about the relay.
//
// Events: playing (a burst of audio started), idle (the queue ran out at the end of a turn or after a flush),
//         underrun (detail: the new preroll in samples), stats (detail: counters from the audio thread).

export const OUTPUT_SAMPLE_RATE = 24000;

export class Player extends EventTarget {
  #context = null;
  #node = null;
  #stats = { samplesQueued: 0, samplesPlayed: 0, samplesDiscarded: 0, underruns: 0, flushes: 0, samplesPlayedAtFlush: 0, bufferedSamples: 0, prerollSamples: 0 };

  get stats() {
    return this.#stats;
  }

  async start({ prerollMs = 80 } = {}) {
    // Resumed before the first await, inside the user's click (Safari/iOS start contexts suspended).
    this.#context = new AudioContext({ sampleRate: OUTPUT_SAMPLE_RATE, latencyHint: 'interactive' });
    const resumed = this.#context.resume();
    await this.#context.audioWorklet.addModule(new URL('../worklets/playback-processor.js', import.meta.url));
    this.#node = new AudioWorkletNode(this.#context, 'playback-processor', {
      numberOfInputs: 0,
      outputChannelCount: [1],
      processorOptions: { prerollMs },
    });
    this.#node.port.onmessage = ({ data }) => {
      if (data.type === 'stats') {
        this.#stats = data.stats;
        this.dispatchEvent(new CustomEvent('stats', { detail: data.stats }));
      } else {
        this.dispatchEvent(new CustomEvent(data.type, { detail: data.preroll }));
      }
    };
    this.#node.connect(this.#context.destination);
    await resumed;
  }

  /** Resumes a suspended context; call from a user gesture. */
  resume() {
    return this.#context?.resume();
  }

  /** Queues PCM16 samples; the buffer is transferred to the audio thread. */
  enqueue(pcm16) {
    this.#node?.port.postMessage({ type: 'audio', pcm: pcm16 }, [pcm16]);
  }

  /** No more audio for this turn: play out what is queued even if it is shorter than the preroll. */
  endOfTurn() {
    this.#node?.port.postMessage({ type: 'end' });
  }

  /** Barge-in: fade out over 20 ms and discard everything queued. */
  flush() {
    this.#node?.port.postMessage({ type: 'flush' });
  }

  async stop() {
    this.#node?.disconnect();
    await this.#context?.close().catch(() => {});
    this.#node = null;
    this.#context = null;
  }
}
