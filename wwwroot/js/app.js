// UI glue: the only module that touches the page. Wires the buttons to the relay client, the microphone and the
// player, and keeps the counters behind window.liveRelayStats (read-only; used by the browser tests).

import { RelayClient } from './relay-client.js';
import { MicCapture } from './mic-capture.js';
import { Player } from './player.js';
import { TranscriptView } from './transcript-view.js';

const $ = (id) => document.getElementById(id);
const ui = {
  start: $('start'), stop: $('stop'), mute: $('mute'), agc: $('agc'), level: $('mic-level'),
  status: $('status'), backend: $('backend'), form: $('composer'), input: $('text-input'), send: $('send'),
};
const transcript = new TranscriptView($('transcript'));
const pageOptions = new URLSearchParams(location.search);
// Test-only: force the capture context's rate (the real page always uses the device's native rate).
const forcedSampleRate = Number(pageOptions.get('sampleRate')) || undefined;
const SPEECH_LEVEL = 0.02;

const counters = {
  framesSent: 0, samplesCaptured: 0, captureSampleRate: 0, audioBytesReceived: 0, audioBytesIgnored: 0, interruptions: 0,
};
let relay = null;
let mic = null;
let player = null;
let stopping = false;
let oldTurnAudio = false; // after `interrupted`, until that turn's `turnComplete`
let lastUserActivity = 0;
let awaitingFirstAudio = false;
let firstAudioLine = null; // the transcript line of the turn whose first audio is about to play

Object.defineProperty(window, 'liveRelayStats', {
  get: () => Object.freeze({ ...counters, ...(player?.stats ?? {}) }),
});

function setStatus(text, isError = false) {
  ui.status.textContent = text;
  ui.status.classList.toggle('error', isError);
}

function setRunning(running) {
  ui.start.disabled = running;
  ui.stop.disabled = !running;
  ui.mute.disabled = !running;
  ui.input.disabled = !running;
  ui.send.disabled = !running;
  ui.agc.disabled = running;
  if (!running) {
    ui.mute.setAttribute('aria-pressed', 'false');
    ui.mute.textContent = 'Mute';
    ui.level.value = 0;
  }
}

function markUserActivity() {
  lastUserActivity = performance.now();
  awaitingFirstAudio = true;
}

async function start() {
  stopping = false;
  setRunning(true);
  setStatus('Connecting…');
  transcript.clear();
  oldTurnAudio = false;
  try {
    player = new Player();
    mic = new MicCapture({ autoGainControl: ui.agc.checked, sampleRate: forcedSampleRate });
    await Promise.all([player.start(), mic.start()]);
  } catch (error) {
    await stop();
    setStatus(`Microphone or audio unavailable: ${error.message}`, true);
    return;
  }

  counters.captureSampleRate = mic.sampleRate;
  wirePlayer(player);
  wireMic(mic);
  relay = new RelayClient();
  wireRelay(relay);
  relay.connect({ sampleRate: mic.sampleRate });
}

async function stop() {
  stopping = true;
  relay?.close();
  relay = null;
  const [oldMic, oldPlayer] = [mic, player];
  mic = null;
  await Promise.all([oldMic?.stop(), oldPlayer?.stop()]);
  setRunning(false);
}

function wireMic(capture) {
  capture.addEventListener('level', ({ detail }) => {
    ui.level.value = detail;
    if (detail >= SPEECH_LEVEL) {
      markUserActivity();
    }
  });
  capture.addEventListener('data', ({ detail }) => {
    counters.framesSent++;
    counters.samplesCaptured += detail.byteLength / 2;
    relay?.sendAudio(detail);
  });
}

function wirePlayer(output) {
  output.addEventListener('playing', () => {
    setStatus('Model speaking…');
    if (awaitingFirstAudio && firstAudioLine) {
      awaitingFirstAudio = false;
      transcript.showTimeToFirstAudio(firstAudioLine, performance.now() - lastUserActivity);
      firstAudioLine = null;
    }
  });
  output.addEventListener('idle', () => {
    if (relay?.isOpen) {
      setStatus(mic?.muted ? 'Muted' : 'Listening…');
    }
  });
}

function wireRelay(client) {
  client.addEventListener('open', () => setStatus('Connected, setting up the session…'));
  client.addEventListener('ready', ({ detail }) => {
    ui.backend.textContent = detail.backend;
    ui.backend.className = `badge ${detail.backend}`;
    ui.backend.title = `${detail.backend} · ${detail.model}`;
    setStatus(detail.backend === 'echo' ? 'Listening… (offline echo backend: you will hear yourself)' : 'Listening…');
  });
  client.addEventListener('audio', ({ detail }) => {
    counters.audioBytesReceived += detail.byteLength;
    if (oldTurnAudio) {
      counters.audioBytesIgnored += detail.byteLength; // late audio of an interrupted turn
      return;
    }
    if (awaitingFirstAudio && !firstAudioLine) {
      // Audio arrives faster than real time and may all be here before it plays: remember whose turn it is.
      firstAudioLine = transcript.currentModelLine();
    }
    player?.enqueue(detail);
  });
  client.addEventListener('inputtranscript', ({ detail }) => transcript.appendUser(detail));
  client.addEventListener('outputtranscript', ({ detail }) => transcript.appendModel(detail));
  client.addEventListener('text', ({ detail }) => transcript.appendModel(detail));
  client.addEventListener('interrupted', () => {
    counters.interruptions++;
    oldTurnAudio = true;
    player?.flush();
    setStatus('Listening…');
  });
  client.addEventListener('generationcomplete', () => player?.endOfTurn());
  client.addEventListener('turncomplete', () => {
    oldTurnAudio = false;
    player?.endOfTurn();
    transcript.endTurn();
  });
  client.addEventListener('error', ({ detail }) => setStatus(`Error: ${detail.message}`, true));
  client.addEventListener('close', ({ detail }) => {
    if (client !== relay && !stopping) {
      return;
    }
    if (!stopping) {
      if (!ui.status.classList.contains('error')) {
        setStatus(`Disconnected (${detail.code}${detail.reason ? `: ${detail.reason}` : ''}).`, detail.code !== 1000);
      }
      stop().then(() => { stopping = false; });
    } else {
      setStatus('Stopped.');
    }
  });
}

ui.start.addEventListener('click', () => {
  start();
});
ui.stop.addEventListener('click', () => {
  stop().then(() => setStatus('Stopped.'));
});
ui.mute.addEventListener('click', () => {
  if (!mic) {
    return;
  }
  const muted = !mic.muted;
  mic.setMuted(muted);
  ui.mute.setAttribute('aria-pressed', String(muted));
  ui.mute.textContent = muted ? 'Unmute' : 'Mute';
  if (muted) {
    relay?.sendAudioStreamEnd();
    setStatus('Muted');
  } else {
    setStatus('Listening…');
  }
});
ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = ui.input.value.trim();
  if (!text || !relay) {
    return;
  }
  relay.sendText(text);
  transcript.addTypedUser(text);
  markUserActivity();
  ui.input.value = '';
});
