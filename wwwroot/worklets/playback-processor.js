// Model speech playback, on the audio rendering thread, at 24 kHz.
//
// - A ring buffer that grows instead of overwriting: model audio arrives faster than real time and every sample
//   is played exactly once (never dropped, never repeated) unless a flush discards it on purpose.
// - An adaptive jitter buffer: playback starts once `preroll` samples are queued (80 ms to begin with), or at once
//   when the turn's audio is complete; after an underrun the preroll grows by 40 ms (up to 300 ms) and it shrinks
//   back by 10 ms after every 10 s without one.
// - Short fades so nothing clicks: 5 ms in on every start, a ramp down as the queue runs dry (an underrun ends
//   at zero), and a 20 ms fade out on flush (barge-in), after which the rest of the queue is discarded.

class PlaybackProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = options?.processorOptions ?? {};
    const ms = (value) => Math.round((sampleRate * value) / 1000);
    this.minPreroll = ms(o.prerollMs ?? 80);
    this.maxPreroll = ms(o.maxPrerollMs ?? 300);
    this.prerollStep = ms(40);
    this.shrinkStep = ms(10);
    this.shrinkAfter = sampleRate * 10;
    this.preroll = this.minPreroll;
    this.fadeIn = ms(5);
    this.edge = ms(5);
    this.flushFade = ms(20);

    this.ring = new Float32Array(sampleRate * 8);
    this.readIndex = 0;
    this.size = 0;

    this.state = 'idle'; // idle | buffering | playing | flushing
    this.endOfTurn = false;
    this.gain = 0;
    this.flushLeft = 0;
    this.sinceUnderrun = 0;
    this.quanta = 0;
    this.stats = { samplesQueued: 0, samplesPlayed: 0, samplesDiscarded: 0, underruns: 0, flushes: 0, samplesPlayedAtFlush: 0 };

    this.port.onmessage = ({ data }) => this.onMessage(data);
  }

  onMessage(data) {
    switch (data.type) {
      case 'audio':
        this.push(new Int16Array(data.pcm));
        break;
      case 'end':
        this.endOfTurn = true;
        break;
      case 'flush':
        this.stats.flushes++;
        this.stats.samplesPlayedAtFlush = this.stats.samplesPlayed; // what plays after this is the fade, on the audio clock
        if (this.state === 'playing' && this.size > 0) {
          this.state = 'flushing';
          this.flushLeft = Math.min(this.flushFade, this.size);
        } else {
          this.discard();
        }
        this.postStats();
        break;
    }
  }

  push(pcm) {
    if (this.size + pcm.length > this.ring.length) {
      this.grow(this.size + pcm.length);
    }

    let write = (this.readIndex + this.size) % this.ring.length;
    for (let i = 0; i < pcm.length; i++) {
      this.ring[write] = pcm[i] / 32768;
      write = write + 1 === this.ring.length ? 0 : write + 1;
    }

    this.size += pcm.length;
    this.stats.samplesQueued += pcm.length;
    this.endOfTurn = false;
    if (this.state === 'idle') {
      this.state = 'buffering';
    }
  }

  grow(needed) {
    let length = this.ring.length * 2;
    while (length < needed) {
      length *= 2;
    }

    const bigger = new Float32Array(length);
    for (let i = 0; i < this.size; i++) {
      bigger[i] = this.ring[(this.readIndex + i) % this.ring.length];
    }

    this.ring = bigger;
    this.readIndex = 0;
  }

  pop() {
    const sample = this.ring[this.readIndex];
    this.readIndex = this.readIndex + 1 === this.ring.length ? 0 : this.readIndex + 1;
    this.size--;
    this.stats.samplesPlayed++;
    return sample;
  }

  discard() {
    this.stats.samplesDiscarded += this.size;
    this.size = 0;
    this.readIndex = 0;
    this.gain = 0;
    this.state = 'idle';
    this.port.postMessage({ type: 'idle' });
  }

  process(_inputs, outputs) {
    const output = outputs[0];
    const out = output[0];
    for (let i = 0; i < out.length; i++) {
      out[i] = this.next();
    }

    for (let c = 1; c < output.length; c++) {
      output[c].set(out);
    }

    if (++this.quanta % 4 === 0) {
      this.postStats(); // about every 21 ms
    }

    return true;
  }

  next() {
    if (this.state === 'buffering') {
      if (this.size >= this.preroll || (this.endOfTurn && this.size > 0)) {
        this.state = 'playing';
        this.gain = 0;
        this.port.postMessage({ type: 'playing' });
      } else {
        return 0;
      }
    }

    if (this.state === 'flushing') {
      if (this.flushLeft > 0 && this.size > 0) {
        return this.pop() * (this.flushLeft-- / this.flushFade) * this.gain;
      }

      this.discard();
      return 0;
    }

    if (this.state !== 'playing') {
      return 0;
    }

    if (this.size === 0) {
      if (this.endOfTurn) {
        this.state = 'idle';
        this.port.postMessage({ type: 'idle' });
      } else {
        this.stats.underruns++;
        this.preroll = Math.min(this.maxPreroll, this.preroll + this.prerollStep);
        this.sinceUnderrun = 0;
        this.state = 'buffering';
        this.port.postMessage({ type: 'underrun', preroll: this.preroll });
      }

      return 0;
    }

    if (++this.sinceUnderrun >= this.shrinkAfter) {
      this.sinceUnderrun = 0;
      this.preroll = Math.max(this.minPreroll, this.preroll - this.shrinkStep);
    }

    this.gain = Math.min(1, this.gain + 1 / this.fadeIn);
    const edge = Math.min(1, this.size / this.edge);
    return this.pop() * this.gain * edge;
  }

  postStats() {
    this.port.postMessage({ type: 'stats', stats: { ...this.stats, bufferedSamples: this.size, prerollSamples: this.preroll } });
  }
}

registerProcessor('playback-processor', PlaybackProcessor);
