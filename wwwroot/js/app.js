// UI glue: the only module that touches the page. Wires the buttons to the relay client, the microphone, the
// camera/screen capture and the player, and keeps the counters behind window.liveRelayStats (read-only; used by
// the browser tests).

import { RelayClient } from './relay-client.js';
import { MicCapture } from './mic-capture.js';
import { Player } from './player.js';
import { TranscriptView } from './transcript-view.js';
import { VideoCapture } from './video-capture.js';
import { DirectClient } from './direct-client.js';

const $ = (id) => document.getElementById(id);
const ui = {
  start: $('start'), stop: $('stop'), mute: $('mute'), agc: $('agc'), level: $('mic-level'),
  pttMode: $('ptt-mode'), ptt: $('ptt'), pttHint: $('ptt-hint'), camera: $('camera'), screen: $('screen'),
  preview: $('preview'), status: $('status'), backend: $('backend'), form: $('composer'), input: $('text-input'),
  send: $('send'), usage: $('usage'),
};
const transcript = new TranscriptView($('transcript'));
const pageOptions = new URLSearchParams(location.search);
// Test-only: force the capture context's rate (the real page always uses the device's native rate).
const forcedSampleRate = Number(pageOptions.get('sampleRate')) || undefined;
// Linkable session choices, passed on to /live as they are (the relay checks them against its allowlists).
const sessionOptions = {
  voice: pageOptions.get('voice') ?? undefined,
  language: pageOptions.get('language') ?? undefined,
  transcripts: pageOptions.get('transcripts') ?? undefined,
};
// The page's credential for /live (Relay:Auth: a JWT or an access key), from `?token=` on the page's address or a
// `relay_token` cookie; it is never embedded in the page. Taken out of the address bar once read.
const accessToken = pageOptions.get('token') ?? readCookie('relay_token');
if (pageOptions.has('token')) {
  const clean = new URL(location.href);
  clean.searchParams.delete('token');
  history.replaceState(null, '', clean);
}
// /?mode=direct: the page talks to Gemini itself with a token from POST /api/token (Relay:EphemeralTokens:Enabled).
const directMode = pageOptions.get('mode') === 'direct';
const SPEECH_LEVEL = 0.02;
// A dropped socket (network blip, relay restart) is retried with back-off, resuming the same conversation.
const RECONNECT_CODES = new Set([1001, 1005, 1006, 1012, 1013, 1014, 4000]);
const MAX_RECONNECTS = 6;
// Camera/screen frames: about one a second. The relay takes one a second by default (Relay:MaxImagesPerSecond)
// and drops the rest; its bucket refills on a server timer that runs late under load, so frames exactly a second
// apart are now and then dropped (about 1 in 40 measured on a busy machine). A tenth of a second to spare makes
// that rare; the model samples video at about 1 frame/s anyway.
const IMAGE_INTERVAL_MS = 1100;

const counters = {
  framesSent: 0, samplesCaptured: 0, captureSampleRate: 0, audioBytesReceived: 0, audioBytesIgnored: 0, interruptions: 0,
  toolCalls: 0, imagesSent: 0, warnings: 0, errors: 0, reconnects: 0,
};
let relay = null;
let mic = null;
let player = null;
let video = null; // {capture, kind: 'camera' | 'screen'}
let stopping = false;
let oldTurnAudio = false; // after `interrupted`, until that turn's `turnComplete`
let modelTurnOpen = false; // the model has sent something of a turn that has not completed yet
let lastUserActivity = 0;
let awaitingFirstAudio = false;
let firstAudioLine = null; // the transcript line of the turn whose first audio is about to play
let pushToTalk = false; // this session runs with vad=manual
let talking = null; // push to talk held: 'pointer' or 'key'
let lastImageAt = -Infinity; // when the last camera/screen frame went to the relay (performance.now())
const usage = { prompt: 0, response: 0, total: 0 };
let resumeToken = null; // the latest `resumeToken` event's token
let reconnectAttempt = 0;
let reconnectTimer = 0;

ui.pttMode.checked = pageOptions.get('vad') === 'manual';
showPushToTalk(ui.pttMode.checked);

Object.defineProperty(window, 'liveRelayStats', {
  get: () => Object.freeze({ ...counters, ...(player?.stats ?? {}) }),
});

// Test hook: drop the socket as a network failure would (the tests check the page reconnects and resumes).
Object.defineProperty(window, 'liveRelayTest', {
  value: Object.freeze({ dropConnection: () => relay?.drop() }),
});

function readCookie(name) {
  const match = document.cookie.split('; ').find((entry) => entry.startsWith(`${name}=`));
  return match ? decodeURIComponent(match.slice(name.length + 1)) : null;
}

/** @param {'error'|'warning'} [kind] */
function setStatus(text, kind) {
  ui.status.textContent = text;
  ui.status.classList.toggle('error', kind === 'error');
  ui.status.classList.toggle('warning', kind === 'warning');
}

/** What the status line says while nobody is speaking. */
function idleStatus() {
  if (mic?.muted) {
    return 'Muted';
  }
  if (pushToTalk) {
    return talking ? 'Listening…' : 'Hold to talk…';
  }
  return 'Listening…';
}

function showPushToTalk(on) {
  ui.ptt.hidden = !on;
  ui.pttHint.hidden = !on;
}

function setRunning(running) {
  ui.start.disabled = running;
  ui.stop.disabled = !running;
  ui.mute.disabled = !running || pushToTalk; // push to talk is muted unless held (and audioStreamEnd is not allowed)
  ui.ptt.disabled = !running;
  ui.camera.disabled = !running;
  ui.screen.disabled = !running;
  ui.input.disabled = !running;
  ui.send.disabled = !running;
  ui.agc.disabled = running;
  ui.pttMode.disabled = running;
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
  pushToTalk = ui.pttMode.checked;
  talking = null;
  setRunning(true);
  setStatus('Connecting…');
  transcript.clear();
  showUsage(null);
  oldTurnAudio = false;
  modelTurnOpen = false;
  lastImageAt = -Infinity;
  try {
    player = new Player();
    mic = new MicCapture({ autoGainControl: ui.agc.checked, sampleRate: forcedSampleRate });
    await Promise.all([player.start(), mic.start()]);
  } catch (error) {
    await stop();
    setStatus(`Microphone or audio unavailable: ${error.message}`, 'error');
    return;
  }

  counters.captureSampleRate = mic.sampleRate;
  wirePlayer(player);
  wireMic(mic);
  resumeToken = null;
  reconnectAttempt = 0;
  connectRelay();
}

/** Opens /live; after a drop, with the resume token so the conversation continues where it was. */
function connectRelay() {
  relay = directMode ? new DirectClient() : new RelayClient();
  wireRelay(relay);
  relay.connect({
    sampleRate: mic.sampleRate,
    vad: pushToTalk ? 'manual' : 'auto',
    ...sessionOptions,
    access_token: accessToken ?? undefined,
    resume: resumeToken ?? undefined,
  });
}

/** Schedules the next reconnect (0.5 s, 1 s, 2 s … 8 s, with jitter); false when out of attempts. */
function scheduleReconnect(reason) {
  if (reconnectAttempt >= MAX_RECONNECTS || !mic) {
    return false;
  }
  reconnectAttempt++;
  const delay = Math.min(8000, 500 * 2 ** (reconnectAttempt - 1)) * (0.75 + Math.random() / 2);
  setStatus(`${reason} Reconnecting (attempt ${reconnectAttempt} of ${MAX_RECONNECTS})…`, 'warning');
  clearTimeout(reconnectTimer);
  reconnectTimer = setTimeout(() => {
    if (!stopping && mic) {
      connectRelay();
    }
  }, delay);
  return true;
}

async function stop() {
  stopping = true;
  clearTimeout(reconnectTimer);
  stopTalking(); // activityEnd goes out before the close
  stopVideo();
  relay?.close();
  relay = null;
  const [oldMic, oldPlayer] = [mic, player];
  mic = null;
  await Promise.all([oldMic?.stop(), oldPlayer?.stop()]);
  setRunning(false);
}

// --- push to talk (vad=manual): activityStart while held, the microphone's frames only in between, activityEnd

function startTalking(how) {
  if (talking || !pushToTalk || !relay || ui.ptt.disabled) {
    return;
  }

  talking = how;
  ui.ptt.setAttribute('aria-pressed', 'true');
  // Talking over the model cuts it off, as a barge-in does with automatic turn-taking.
  player?.flush();
  oldTurnAudio ||= modelTurnOpen;
  relay.sendActivityStart();
  setStatus('Listening…');
}

function stopTalking() {
  if (!talking) {
    return;
  }

  talking = null;
  ui.ptt.setAttribute('aria-pressed', 'false');
  relay?.sendActivityEnd();
  markUserActivity();
  if (relay) {
    setStatus(idleStatus());
  }
}

/** Space talks unless the user is typing or on another control (where Space already means something). */
function spaceMayTalk(target) {
  if (target === ui.ptt) {
    return true;
  }
  return !(target instanceof Element &&
    target.closest('input, textarea, select, button, a[href], [contenteditable]:not([contenteditable="false"])'));
}

const isSpace = (event) => event.code === 'Space' || event.key === ' ';

ui.ptt.addEventListener('pointerdown', (event) => {
  if (event.button === 0) {
    startTalking('pointer');
  }
});
for (const type of ['pointerup', 'pointercancel', 'pointerleave']) {
  ui.ptt.addEventListener(type, () => {
    if (talking === 'pointer') {
      stopTalking();
    }
  });
}
ui.ptt.addEventListener('contextmenu', (event) => event.preventDefault()); // a long press on touch screens
document.addEventListener('keydown', (event) => {
  if (!isSpace(event) || !pushToTalk || !relay || !spaceMayTalk(event.target)) {
    return;
  }
  event.preventDefault(); // no scrolling, no click on the focused button
  if (!event.repeat) {
    startTalking('key');
  }
});
document.addEventListener('keyup', (event) => {
  if (isSpace(event) && talking === 'key') {
    event.preventDefault();
    stopTalking();
  }
});
// Released outside the page (another window took the focus, the tab was hidden): the key-up never arrives here.
window.addEventListener('blur', () => stopTalking());
document.addEventListener('visibilitychange', () => {
  if (document.hidden) {
    stopTalking();
  }
});

// --- camera / screen: about one JPEG a second while on

async function toggleVideo(kind) {
  const wasOn = video?.kind === kind;
  stopVideo(); // one source at a time: the relay takes about one frame a second in all
  if (wasOn || !relay) {
    return;
  }

  // Started before anything is awaited: getDisplayMedia needs this click's user activation.
  // Its first frame waits until a full interval after the last one sent, whichever source that came from.
  const capture = new VideoCapture({ source: kind, intervalMs: IMAGE_INTERVAL_MS, notBefore: lastImageAt + IMAGE_INTERVAL_MS });
  const starting = capture.start();
  video = { capture, kind };
  ui[kind].setAttribute('aria-pressed', 'true');
  capture.addEventListener('frame', ({ detail }) => {
    if (relay?.sendImage(detail.mimeType, detail.base64)) {
      lastImageAt = performance.now();
      counters.imagesSent++;
    }
  });
  capture.addEventListener('ended', () => {
    if (video?.capture === capture) {
      stopVideo();
    }
  });
  try {
    await starting;
  } catch (error) {
    if (video?.capture === capture) {
      stopVideo();
      setStatus(`${kind === 'screen' ? 'Screen sharing' : 'Camera'} unavailable: ${error.message}`, 'warning');
    }
    return;
  }

  if (video?.capture === capture && capture.stream) {
    ui.preview.srcObject = capture.stream;
    ui.preview.hidden = false;
    ui.preview.play().catch(() => {}); // muted autoplay; a refusal only leaves the preview still
  }
}

function stopVideo() {
  if (!video) {
    return;
  }
  video.capture.stop();
  ui[video.kind].setAttribute('aria-pressed', 'false');
  video = null;
  ui.preview.srcObject = null;
  ui.preview.hidden = true;
}

// --- token usage, summed over the session's turns

function showUsage(event) {
  if (!event) {
    usage.prompt = usage.response = usage.total = 0;
    ui.usage.textContent = '';
    ui.usage.hidden = true;
    return;
  }
  usage.prompt += Number(event.promptTokenCount) || 0;
  usage.response += Number(event.responseTokenCount) || 0;
  usage.total += Number(event.totalTokenCount) || 0;
  ui.usage.textContent = `Tokens this session: ${usage.total} (prompt ${usage.prompt}, response ${usage.response})`;
  ui.usage.hidden = false;
}

function wireMic(capture) {
  capture.addEventListener('level', ({ detail }) => {
    ui.level.value = detail;
    if (detail >= SPEECH_LEVEL && (!pushToTalk || talking)) {
      markUserActivity();
    }
  });
  capture.addEventListener('data', ({ detail }) => {
    if (pushToTalk && !talking) {
      return; // push to talk: the microphone is only heard while the button is held
    }
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
      setStatus(idleStatus());
    }
  });
}

function wireRelay(client) {
  client.addEventListener('open', () => setStatus('Connected, setting up the session…'));
  client.addEventListener('ready', ({ detail }) => {
    ui.backend.textContent = detail.backend;
    ui.backend.className = `badge ${detail.backend}`;
    ui.backend.title = `${detail.backend} · ${detail.model}`;
    if (reconnectAttempt > 0) {
      counters.reconnects++;
      reconnectAttempt = 0;
      setStatus(resumeToken ? 'Reconnected: the conversation continues.' : 'Reconnected (a new conversation).');
      return;
    }
    setStatus(detail.backend === 'echo' ? `${idleStatus()} (offline echo backend: you will hear yourself)` : idleStatus());
  });
  client.addEventListener('resumetoken', ({ detail }) => {
    resumeToken = detail.token;
  });
  client.addEventListener('shutdown', () => setStatus('The relay is restarting; this conversation will reconnect…', 'warning'));
  client.addEventListener('reconnecting', ({ detail }) =>
    setStatus(detail.reason === 'goAway' ? 'Moving to a fresh Gemini connection…' : `Gemini connection lost (${detail.reason}); reconnecting…`, 'warning'));
  client.addEventListener('resumed', () => setStatus(idleStatus()));
  client.addEventListener('sessionexpiring', ({ detail }) => {
    const why = { idle: 'nothing was said for a while', maxDuration: 'the session time limit is near', dailyBudget: "today's minutes are almost used up", goAway: 'Gemini ends this connection' }[detail.reason] ?? detail.reason;
    const left = detail.secondsLeft != null ? ` in ${Math.round(detail.secondsLeft)} s` : ' soon';
    setStatus(`The session ends${left}: ${why}.`, 'warning');
  });
  client.addEventListener('audio', ({ detail }) => {
    counters.audioBytesReceived += detail.byteLength;
    if (oldTurnAudio) {
      counters.audioBytesIgnored += detail.byteLength; // late audio of an interrupted turn
      return;
    }
    modelTurnOpen = true;
    if (awaitingFirstAudio && !firstAudioLine) {
      // Audio arrives faster than real time and may all be here before it plays: remember whose turn it is.
      firstAudioLine = transcript.currentModelLine();
    }
    player?.enqueue(detail);
  });
  client.addEventListener('inputtranscript', ({ detail }) => transcript.appendUser(detail));
  client.addEventListener('outputtranscript', ({ detail }) => {
    modelTurnOpen = true;
    transcript.appendModel(detail);
  });
  client.addEventListener('text', ({ detail }) => {
    modelTurnOpen = true;
    transcript.appendModel(detail);
  });
  client.addEventListener('interrupted', () => {
    counters.interruptions++;
    oldTurnAudio = true;
    player?.flush();
    setStatus(idleStatus());
  });
  client.addEventListener('generationcomplete', () => player?.endOfTurn());
  client.addEventListener('turncomplete', () => {
    oldTurnAudio = false;
    modelTurnOpen = false;
    player?.endOfTurn();
    transcript.endTurn();
  });
  client.addEventListener('toolcall', ({ detail }) => {
    counters.toolCalls++;
    transcript.addToolCall(detail);
  });
  client.addEventListener('toolresult', ({ detail }) => transcript.finishToolCall(detail));
  client.addEventListener('grounding', ({ detail }) => transcript.addGrounding(detail));
  client.addEventListener('usage', ({ detail }) => showUsage(detail));
  client.addEventListener('warning', ({ detail }) => {
    counters.warnings++;
    setStatus(`⚠ ${detail.message}`, 'warning');
  });
  client.addEventListener('error', ({ detail }) => {
    counters.errors++;
    setStatus(`Error: ${detail.message}`, 'error');
  });
  client.addEventListener('close', ({ detail }) => {
    if (client !== relay && !stopping) {
      return;
    }
    if (!stopping) {
      const wasReconnecting = reconnectAttempt > 0;
      if ((detail.opened && RECONNECT_CODES.has(detail.code)) || (wasReconnecting && !detail.opened)) {
        if (scheduleReconnect(detail.code === 1001 ? 'The relay restarted.' : 'The connection dropped.')) {
          return;
        }
      }
      if (!ui.status.classList.contains('error')) {
        if (!detail.opened) {
          const chosen = Object.values(sessionOptions).some((value) => value !== undefined);
          setStatus(`Could not connect to the relay${chosen ? ' (is the voice, language or transcripts choice in this page\'s address allowed?)' : ''}.`, 'error');
        } else {
          setStatus(`Disconnected (${detail.code}${detail.reason ? `: ${detail.reason}` : ''}).`, detail.code !== 1000 ? 'error' : undefined);
        }
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
ui.pttMode.addEventListener('change', () => showPushToTalk(ui.pttMode.checked));
ui.camera.addEventListener('click', () => {
  toggleVideo('camera');
});
ui.screen.addEventListener('click', () => {
  toggleVideo('screen');
});
ui.mute.addEventListener('click', () => {
  if (!mic || pushToTalk) {
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
