// Synchronised playback: every page plays the premiere at the same position, the server's idea of
// "now" (clock.js) minus the talk's start. The viewer may pause, mute, set the volume and turn the
// captions on, never seek ahead of the live position: after a pause, "back to live" jumps there.
import { serverNow } from "/static/js/clock.js";
import { lang, text } from "/static/js/format.js";
import { youtube } from "/static/js/youtube.js";

const SEEK_ABOVE = 1.0;  // seconds of drift corrected by seeking; below, by nudging the rate
const NUDGE_ABOVE = 0.02;  // below this, leave the rate alone (the media clock jitters by a few ms)
// Until the player first reaches the live position, it seeks again above this (aiming by how long
// its last seek took) rather than nudge: at ±10 % the rate takes seconds to close a few tenths.
const SETTLE_SEEK_ABOVE = 0.15, SETTLE_SEEKS = 3;
// HLS: seconds buffered ahead. Everyone watches at the live position, so a long buffer buys little, and
// a bitrate chosen for a weaker connection shows within this long instead of hls.js's 30 s.
const HLS_AHEAD = 12;

// Plays one recording at the live position; `startMs` is the talk's start on the server's clock.
// `on` tells the page what changed: muted(bool), behind(bool), paused(bool). `withSound`: start a
// YouTube recording unmuted too (the stage in OBS, which may autoplay with sound; pages start muted).
export class LivePlayer {
  constructor(screen, info, startMs, on = {}, { withSound = false } = {}) {
    this.screen = screen, this.info = info, this.startMs = startMs, this.withSound = withSound;
    this.on = { muted() {}, behind() {}, paused() {}, ...on };
    this.timer = null;
    this.paused = false;  // by the viewer: the page stops following the live position until "back to live"
  }

  target() { return (serverNow() - this.startMs) / 1000; }

  start() {
    this.info.file ? this.startFile() : this.startYoutube();
    this.timer = setInterval(() => this.correct(), 250);
  }

  stop() {
    this.stopped = true;
    clearInterval(this.timer);
    this.hls?.destroy();  // before the element loses its source, so hls.js detaches from it cleanly
    if (this.video) { this.video.pause(); this.video.removeAttribute("src"); this.video.load(); }
    if (this.yt) this.yt.destroy();
    this.screen.replaceChildren();
    this.video = this.yt = this.hls = null;
  }

  startFile() {
    const video = this.video = document.createElement("video");
    video.playsInline = true;
    video.preload = "auto";
    video.setAttribute("aria-label", text(this.info.title));
    for (const [srclang, src] of Object.entries(this.info.captions || {})) {
      video.append(Object.assign(document.createElement("track"), { kind: "captions", srclang, src,
        label: new Intl.DisplayNames([lang], { type: "language" }).of(srclang) }));
    }
    this.seekLead = 0.2;
    this.settleSeeks = SETTLE_SEEKS;
    video.addEventListener("loadedmetadata", () => { this.seek(this.target()); this.play(); }, { once: true });
    video.addEventListener("seeked", () => {
      this.seekLead = Math.min(3, (performance.now() - this.seekStarted) / 1000);
    });
    this.info.hls ? this.attachHls(video) : (video.src = this.info.file);
    this.screen.replaceChildren(video);
  }

  // An HLS set (several bitrates): hls.js feeds the <video> through Media Source Extensions, choosing each
  // segment's bitrate from the measured throughput; a browser without them (iPhone Safari) plays HLS
  // itself. Either way the element keeps its own clock, so sync, drift and no-seek-ahead work unchanged.
  async attachHls(video) {
    const { default: Hls } = await import("/static/vendor/hls.light.min.mjs");
    if (this.stopped) return;
    if (!Hls.isSupported()) { video.src = this.info.file; return; }
    // no worker: the page's CSP allows no script from a blob: URL, and segments are small
    this.hls = new Hls({ enableWorker: false, maxBufferLength: HLS_AHEAD, maxMaxBufferLength: HLS_AHEAD,
      startPosition: Math.max(0, this.target()) });
    this.hls.loadSource(this.info.file);
    this.hls.attachMedia(video);
  }

  get hasCaptions() { return Boolean(this.video && Object.keys(this.info.captions || {}).length); }

  // The page's language if the recording has captions in it, else the first it has.
  captions(on) {
    const tracks = [...(this.video?.textTracks ?? [])];
    const chosen = tracks.find((track) => track.language === lang) ?? tracks[0];
    for (const track of tracks) track.mode = on && track === chosen ? "showing" : "disabled";
  }

  async play() {
    try {
      await this.video.play();
    } catch {
      // Browsers refuse autoplay with sound until the visitor interacts: start muted, offer unmute.
      this.video.muted = true;
      this.on.muted(true);
      try { await this.video.play(); } catch { /* shown paused; the unmute button starts it */ }
    }
  }

  mute(muted) {
    if (this.video) { this.video.muted = muted; if (!muted && !this.paused) this.video.play(); }
    if (this.yt) muted ? this.yt.mute() : this.yt.unMute();
    this.on.muted(muted);
  }

  get muted() { return this.video ? this.video.muted : Boolean(this.yt?.isMuted?.()); }

  volume(fraction) {
    if (this.video) this.video.volume = fraction;
    this.yt?.setVolume(Math.round(fraction * 100));
    if (fraction > 0 && this.muted) this.mute(false);
  }

  pause() {
    this.paused = true;
    this.video?.pause();
    this.yt?.pauseVideo();
    this.on.paused(true);
  }

  live() {
    this.paused = false;
    if (this.video) { this.seek(this.target()); this.video.play().catch(() => {}); }
    if (this.yt) { this.yt.seekTo(this.target(), true); this.yt.playVideo(); }
    this.on.paused(false);
  }

  correct() {
    if (this.paused) return;
    const target = this.target();
    if (this.video) return this.correctFile(target);
    if (this.yt?.getCurrentTime) this.correctYoutube(target);
  }

  correctFile(target) {
    const video = this.video;
    if (video.readyState < 1 || video.seeking) return;
    if (target >= video.duration) { video.pause(); return; }
    const drift = video.currentTime - target;
    this.on.behind(video.readyState < 3 || drift < -SEEK_ABOVE);
    if (video.readyState >= 3 && Math.abs(drift) < 2 * NUDGE_ABOVE) this.settleSeeks = 0;  // at live: settled
    const settling = this.settleSeeks > 0 && video.readyState >= 3 && Math.abs(drift) > SETTLE_SEEK_ABOVE;
    if (Math.abs(drift) > SEEK_ABOVE || settling) {
      if (settling) this.settleSeeks--;
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

  // YouTube: no YouTube controls (ours instead), so nobody seeks ahead.
  async startYoutube() {
    const yt = await youtube(this.screen, this.info.youtube, {
      playerVars: { start: Math.floor(Math.max(0, this.target())), autoplay: 1, controls: 0, disablekb: 1 },
      events: { onReady: (e) => {
        if (!this.withSound) { e.target.mute(); this.on.muted(true); }
        e.target.seekTo(this.target(), true);
        e.target.playVideo();
      } },
    });
    if (this.stopped) yt?.destroy(); else this.yt = yt;
  }

  correctYoutube(target) {
    const drift = this.yt.getCurrentTime() - target;
    if (Math.abs(drift) > SEEK_ABOVE * 2) this.yt.seekTo(target, true);  // rates are coarse: only seek
  }
}
