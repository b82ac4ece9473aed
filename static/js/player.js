// Synchronised playback: every page plays the premiere at the same position, the server's idea of
// "now" (clock.js) minus the talk's start.
import { serverNow } from "/static/js/clock.js";
import { text } from "/static/js/format.js";

const SEEK_ABOVE = 1.0;  // seconds of drift corrected by seeking; below, by nudging the rate
const NUDGE_ABOVE = 0.02;  // below this, leave the rate alone (the media clock jitters by a few ms)

// Plays one recording at the live position; `startMs` is the talk's start on the server's clock.
export class LivePlayer {
  constructor(screen, info, startMs, { onMuted, onBehind } = {}) {
    this.screen = screen, this.info = info, this.startMs = startMs;
    this.onMuted = onMuted || (() => {}), this.onBehind = onBehind || (() => {});
    this.timer = null;
  }

  target() { return (serverNow() - this.startMs) / 1000; }

  start() {
    this.info.file ? this.startFile() : this.startYoutube();
    this.timer = setInterval(() => this.correct(), 250);
  }

  stop() {
    clearInterval(this.timer);
    if (this.video) { this.video.pause(); this.video.removeAttribute("src"); this.video.load(); }
    if (this.yt) this.yt.destroy();
    this.screen.replaceChildren();
    this.video = this.yt = null;
  }

  startFile() {
    const video = this.video = document.createElement("video");
    video.playsInline = true;
    video.preload = "auto";
    video.setAttribute("aria-label", text(this.info.title));
    this.seekLead = 0.2;
    video.addEventListener("loadedmetadata", () => { this.seek(this.target()); this.play(); }, { once: true });
    video.addEventListener("seeked", () => {
      this.seekLead = Math.min(3, (performance.now() - this.seekStarted) / 1000);
    });
    video.src = this.info.file;
    this.screen.replaceChildren(video);
  }

  async play() {
    try {
      await this.video.play();
    } catch {
      // Browsers refuse autoplay with sound until the visitor interacts: start muted, offer unmute.
      this.video.muted = true;
      this.onMuted(true);
      try { await this.video.play(); } catch { /* shown paused; the unmute button starts it */ }
    }
  }

  unmute() {
    if (this.video) { this.video.muted = false; this.video.play(); }
    if (this.yt) this.yt.unMute();
    this.onMuted(false);
  }

  correct() {
    const target = this.target();
    if (this.video) return this.correctFile(target);
    if (this.yt?.getCurrentTime) this.correctYoutube(target);
  }

  correctFile(target) {
    const video = this.video;
    if (video.readyState < 1 || video.seeking) return;
    if (target >= video.duration) { video.pause(); return; }
    const drift = video.currentTime - target;
    this.onBehind(video.readyState < 3 || drift < -SEEK_ABOVE);
    if (Math.abs(drift) > SEEK_ABOVE) {
      this.seek(target);
      video.playbackRate = 1;
    } else if (Math.abs(drift) > NUDGE_ABOVE) {
      video.playbackRate = Math.min(1.1, Math.max(0.9, 1 - drift / 2));  // close the gap within ~2 s
    } else {
      video.playbackRate = 1;
    }
    if (video.paused) video.play().catch(() => {});
  }

  // Seeking a sparse-keyframe file takes time: aim ahead by how long the last seek took.
  seek(target) {
    this.seekStarted = performance.now();
    this.video.currentTime = Math.max(0, target + this.seekLead);
  }

  // YouTube: the IFrame Player API on the privacy-enhanced domain; no controls, so nobody seeks ahead.
  startYoutube() {
    const holder = document.createElement("div");
    this.screen.replaceChildren(holder);
    loadYoutubeApi().then((YT) => {
      this.yt = new YT.Player(holder, {
        host: "https://www.youtube-nocookie.com", videoId: this.info.youtube,
        playerVars: { start: Math.floor(Math.max(0, this.target())), autoplay: 1, controls: 0, disablekb: 1,
                      rel: 0, playsinline: 1, modestbranding: 1 },
        events: {
          onReady: (e) => { e.target.mute(); this.onMuted(true); e.target.seekTo(this.target(), true); e.target.playVideo(); },
        },
      });
    });
  }

  correctYoutube(target) {
    const drift = this.yt.getCurrentTime() - target;
    if (Math.abs(drift) > SEEK_ABOVE * 2) this.yt.seekTo(target, true);  // rates are coarse: only seek
  }
}

let youtubeApi;
function loadYoutubeApi() {
  youtubeApi ??= new Promise((resolve) => {
    window.onYouTubeIframeAPIReady = () => resolve(window.YT);
    const script = document.createElement("script");
    script.src = "https://www.youtube.com/iframe_api";
    document.head.append(script);
  });
  return youtubeApi;
}
