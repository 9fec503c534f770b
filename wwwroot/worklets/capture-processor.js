// Microphone capture, on the audio rendering thread: Float32 → PCM16 (clamped, no wrap-around), batched into
// 20–40 ms messages (never one tiny 2.7 ms render quantum per message, never 100+ ms), with an RMS level for the
// meter. The context runs at the device's native rate; the relay resamples to 16 kHz.

const QUANTUM = 128;

class CaptureProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const frameMs = options?.processorOptions?.frameMs ?? 20;
    // Whole render quanta covering at least frameMs: 1024 samples (21.3 ms) at 48 kHz, 896 (20.3 ms) at 44.1 kHz.
    this.batch = Math.ceil((sampleRate * frameMs) / 1000 / QUANTUM) * QUANTUM;
    this.buffer = new Int16Array(this.batch);
    this.filled = 0;
    this.sumSquares = 0;
    this.running = true;
    this.port.onmessage = (event) => {
      if (event.data === 'stop') {
        this.running = false;
      }
    };
  }

  process(inputs) {
    if (!this.running) {
      return false;
    }

    const channels = inputs[0];
    if (!channels || channels.length === 0) {
      return true; // the microphone is not connected (yet)
    }

    const frames = channels[0].length;
    for (let i = 0; i < frames; i++) {
      let sample = channels[0][i];
      if (channels.length > 1) {
        sample = (sample + channels[1][i]) / 2;
      }

      if (!(sample > -1)) {
        sample = sample === sample ? -1 : 0; // -1 or below clamps; NaN becomes silence
      } else if (sample > 1) {
        sample = 1;
      }

      this.sumSquares += sample * sample;
      this.buffer[this.filled++] = Math.round(sample < 0 ? sample * 32768 : sample * 32767);
      if (this.filled === this.batch) {
        this.flush();
      }
    }

    return true;
  }

  flush() {
    const pcm = this.buffer;
    const level = Math.sqrt(this.sumSquares / this.filled);
    // Transfer, not copy: the buffer's memory moves to the main thread and a fresh one takes its place.
    this.port.postMessage({ pcm: pcm.buffer, level }, [pcm.buffer]);
    this.buffer = new Int16Array(this.batch);
    this.filled = 0;
    this.sumSquares = 0;
  }
}

registerProcessor('capture-processor', CaptureProcessor);
