// A minimal relay speaking the /live v1 browser protocol, in Node.js with the `ws` package: only for side-by-side
// load runs against GeminiLiveRelay (docs/performance.md). It does what one load-test session needs and no more:
// 48 kHz (or 16 kHz) mono PCM16/float32 in, 48->16 kHz by a 48-tap windowed-sinc decimator, 20 ms realtimeInput
// messages up, model audio and transcripts down. No auth, limits, resumption, tools or error handling worth the name.
//
//   PORT=8090 GEMINI_BASE_URL=http://127.0.0.1:9100 GEMINI_API_KEY=load-test node relay.mjs
import http from 'node:http';
import { WebSocketServer, WebSocket } from 'ws';

const port = Number(process.env.PORT ?? 8090);
const base = (process.env.GEMINI_BASE_URL ?? 'http://127.0.0.1:9100').replace(/^http/, 'ws').replace(/\/$/, '');
const upstreamUrl = `${base}/ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent`;
const apiKey = process.env.GEMINI_API_KEY ?? 'load-test';
const model = process.env.GEMINI_MODEL ?? 'gemini-3.8-live';
const CHUNK_BYTES = 640; // 20 ms of 16 kHz PCM16

// Low-pass for 48 -> 16 kHz: windowed sinc (Blackman), cutoff 7.2 kHz, unit DC gain.
const TAPS = 48;
const taps = new Float32Array(TAPS);
{
  const fc = 7200 / 48000;
  let sum = 0;
  for (let i = 0; i < TAPS; i++) {
    const m = i - (TAPS - 1) / 2;
    const sinc = m === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * m) / (Math.PI * m);
    const w = 0.42 - 0.5 * Math.cos((2 * Math.PI * i) / (TAPS - 1)) + 0.08 * Math.cos((4 * Math.PI * i) / (TAPS - 1));
    taps[i] = sinc * w;
    sum += taps[i];
  }
  for (let i = 0; i < TAPS; i++) taps[i] /= sum;
}

class Converter {
  constructor(rate, float32) {
    this.rate = rate;
    this.float32 = float32;
    this.history = new Float32Array(TAPS - 1 + 8192);
    this.count = TAPS - 1; // zeros of history
    this.phase = 0; // input samples until the next output
  }

  // Returns a Buffer of 16 kHz PCM16 for one browser frame.
  convert(frame) {
    const bytes = this.float32 ? 4 : 2;
    const n = Math.floor(frame.length / bytes);
    if (this.rate === 16000 && !this.float32) return Buffer.from(frame.subarray(0, n * 2));
    const out = Buffer.allocUnsafe(Math.ceil(n / (this.rate === 16000 ? 1 : 3)) * 2 + 2);
    let written = 0;
    const step = this.rate === 16000 ? 1 : 3;
    for (let i = 0; i < n; i++) {
      const x = this.float32 ? frame.readFloatLE(i * 4) : frame.readInt16LE(i * 2) / 32768;
      if (this.count === this.history.length) {
        this.history.copyWithin(0, this.count - (TAPS - 1), this.count);
        this.count = TAPS - 1;
      }
      this.history[this.count++] = x;
      if (this.phase === 0) {
        let acc = 0;
        if (step === 1) acc = x;
        else for (let t = 0, j = this.count - TAPS; t < TAPS; t++, j++) acc += taps[t] * this.history[j];
        const s = Math.max(-32768, Math.min(32767, Math.round(acc * 32768)));
        out.writeInt16LE(s, written);
        written += 2;
      }
      this.phase = (this.phase + 1) % step;
    }
    return out.subarray(0, written);
  }
}

const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404);
  res.end(req.url === '/healthz' ? 'Healthy' : '');
});
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname !== '/live') {
    socket.destroy();
    return;
  }
  const rate = Number(url.searchParams.get('sampleRate') ?? 48000);
  const float32 = url.searchParams.get('encoding') === 'float32';
  if (rate !== 48000 && rate !== 16000) {
    socket.end('HTTP/1.1 400 Bad Request\r\n\r\nsampleRate must be 48000 or 16000 here\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (browser) => runSession(browser, new Converter(rate, float32), rate, float32));
});

function runSession(browser, converter, rate, float32) {
  const upstream = new WebSocket(upstreamUrl, { headers: { 'x-goog-api-key': apiKey }, perMessageDeflate: false });
  let ready = false;
  let pending = Buffer.alloc(0);
  const held = [];

  const sendAudio = (pcm) => {
    pending = pending.length ? Buffer.concat([pending, pcm]) : pcm;
    while (pending.length >= CHUNK_BYTES) {
      const chunk = pending.subarray(0, CHUNK_BYTES);
      pending = pending.subarray(CHUNK_BYTES);
      upstream.send(`{"realtimeInput":{"audio":{"data":"${chunk.toString('base64')}","mimeType":"audio/pcm;rate=16000"}}}`);
    }
  };

  upstream.on('open', () => {
    upstream.send(JSON.stringify({
      setup: {
        model: `models/${model}`,
        generationConfig: { responseModalities: ['AUDIO'] },
        inputAudioTranscription: {},
        outputAudioTranscription: {},
      },
    }));
  });

  upstream.on('message', (data) => {
    let message;
    try {
      message = JSON.parse(data.toString('utf8'));
    } catch {
      return;
    }
    if (message.setupComplete) {
      ready = true;
      browser.send(JSON.stringify({
        type: 'ready', protocol: 1, sessionId: Math.random().toString(16).slice(2, 14), model, backend: 'gemini',
        input: { sampleRate: rate, encoding: float32 ? 'float32' : 'pcm16', channels: 1 }, outputSampleRate: 24000,
      }));
      for (const frame of held.splice(0)) sendAudio(converter.convert(frame));
      return;
    }
    const content = message.serverContent;
    if (!content) return;
    if (content.inputTranscription?.text) browser.send(JSON.stringify({ type: 'inputTranscript', text: content.inputTranscription.text }));
    for (const part of content.modelTurn?.parts ?? []) {
      if (part.inlineData?.data) browser.send(Buffer.from(part.inlineData.data, 'base64'), { binary: true });
    }
    if (content.outputTranscription?.text) browser.send(JSON.stringify({ type: 'outputTranscript', text: content.outputTranscription.text }));
    if (content.generationComplete) browser.send('{"type":"generationComplete"}');
    if (content.interrupted) browser.send('{"type":"interrupted"}');
    if (content.turnComplete) browser.send('{"type":"turnComplete"}');
  });

  browser.on('message', (data, isBinary) => {
    if (!isBinary) return; // text commands are not needed by the load tool
    if (!ready) held.push(data);
    else sendAudio(converter.convert(data));
  });

  const closeBoth = () => {
    if (upstream.readyState === WebSocket.OPEN) upstream.close(1000, 'client left');
    else if (upstream.readyState === WebSocket.CONNECTING) upstream.terminate();
    if (browser.readyState === WebSocket.OPEN) browser.close(1000);
  };
  browser.on('close', closeBoth);
  browser.on('error', closeBoth);
  upstream.on('close', closeBoth);
  upstream.on('error', closeBoth);
}

server.listen(port, '127.0.0.1', () => console.log(`node relay on ws://127.0.0.1:${port}/live -> ${upstreamUrl}`));
