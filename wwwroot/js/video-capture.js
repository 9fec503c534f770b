// Camera or screen capture as still JPEG frames, about one per second. Knows nothing about the relay or the page:
// it owns the MediaStream (the page may show `stream` in a preview) and emits frames.
//
// Events: frame  (detail: {mimeType: 'image/jpeg', base64, width, height}: one frame, longest side ≤ maxSide)
//         ended  (the source went away by itself, e.g. the browser's own "Stop sharing" button)

export class VideoCapture extends EventTarget {
  #stream = null;
  #video = null;
  #canvas = null;
  #timer = 0;
  #running = false;
  #starting = false;
  #attempt = 0;

  /**
   * @param {{source?: 'camera'|'screen', intervalMs?: number, notBefore?: number, maxSide?: number,
   *          quality?: number}} options
   * intervalMs is the pause between one frame being handed over and the next being taken, so frames are never
   * closer than that: the relay's limit (Relay:MaxImagesPerSecond, 1/s by default) refills once a second, and a
   * fixed 1000 ms timer whose frames take varying time to encode would now and then put two frames in one refill.
   * notBefore (a performance.now() time) holds the first frame back, e.g. until a second after the last frame of
   * the source this one replaces.
   */
  constructor({ source = 'camera', intervalMs = 1000, notBefore = 0, maxSide = 768, quality = 0.8 } = {}) {
    super();
    this.source = source;
    this.intervalMs = intervalMs;
    this.notBefore = notBefore;
    this.maxSide = maxSide;
    this.quality = quality;
  }

  /** The live MediaStream (after start), e.g. for a preview element. */
  get stream() {
    return this.#stream;
  }

  get running() {
    return this.#running;
  }

  /**
   * Asks for the camera or a screen/window/tab and starts taking frames. Call it straight from a click:
   * getDisplayMedia needs the user's gesture, so nothing is awaited before asking.
   */
  async start() {
    if (this.#running || this.#starting) {
      return;
    }

    const attempt = ++this.#attempt;
    const devices = navigator.mediaDevices;
    this.#starting = true;
    let stream;
    try {
      stream = await (this.source === 'screen'
        ? devices.getDisplayMedia({ video: true, audio: false })
        : devices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false }));
    } finally {
      this.#starting = false;
    }
    if (attempt !== this.#attempt) {
      stream.getTracks().forEach((track) => track.stop()); // stop() was called while the user was choosing
      return;
    }

    this.#stream = stream;
    this.#running = true;
    const [track] = stream.getVideoTracks();
    track?.addEventListener('ended', () => {
      if (this.#stream === stream) {
        this.stop();
        this.dispatchEvent(new CustomEvent('ended'));
      }
    });

    // A video element of our own (never in the document) to draw frames from.
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    this.#video = video;
    this.#canvas = document.createElement('canvas');
    try {
      await video.play();
    } catch (error) {
      if (this.#stream === stream) {
        this.stop();
        throw error;
      }
      return; // stopped meanwhile
    }

    if (this.#stream === stream) {
      this.#schedule(Math.max(0, this.notBefore - performance.now()));
    }
  }

  /** Stops taking frames and releases the camera or screen. Safe to call at any time, also during start(). */
  stop() {
    this.#attempt++;
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = 0;
    for (const track of this.#stream?.getTracks() ?? []) {
      track.stop();
    }
    if (this.#video) {
      this.#video.pause();
      this.#video.srcObject = null;
    }
    this.#stream = null;
    this.#video = null;
    this.#canvas = null;
  }

  #schedule(delay) {
    const stream = this.#stream;
    this.#timer = setTimeout(async () => {
      let frame = null;
      try {
        frame = await this.#grab();
      } catch {
        frame = null; // a frame that failed to encode is skipped; the next one is tried as usual
      }
      if (!this.#running || this.#stream !== stream) {
        return;
      }
      if (frame) {
        this.dispatchEvent(new CustomEvent('frame', { detail: frame }));
      }
      // Nothing decoded yet (the camera is still warming up): look again soon rather than in a second.
      this.#schedule(frame ? this.intervalMs : 100);
    }, delay);
  }

  /** Draws the current frame, scaled so its longest side is at most maxSide, and encodes it as JPEG. */
  async #grab() {
    const video = this.#video;
    const canvas = this.#canvas;
    if (!video || !canvas || video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || !video.videoWidth) {
      return null;
    }

    const scale = Math.min(1, this.maxSide / Math.max(video.videoWidth, video.videoHeight));
    const width = Math.max(1, Math.round(video.videoWidth * scale));
    const height = Math.max(1, Math.round(video.videoHeight * scale));
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d');
    context.imageSmoothingQuality = 'high';
    context.drawImage(video, 0, 0, width, height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', this.quality));
    if (!blob) {
      return null;
    }

    return { mimeType: 'image/jpeg', base64: await toBase64(blob), width, height };
  }
}

/** The blob's bytes in standard base64 (no `data:` prefix), encoded natively by the browser. */
function toBase64(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}
