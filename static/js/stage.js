// The stage's controls on the room page: the premiere player's bar (pause and back to live, mute,
// volume, captions, full screen), the room's theatre mode, and on phones the jump to the question box.
const CAPTIONS_KEY = "captions";

export class Controls {
  constructor(root, strings) {
    this.root = root, this.t = strings;
    this.player = null;
    const control = (name) => root.querySelectorAll(`[data-control="${name}"]`);
    root.addEventListener("click", (event) => {
      const button = event.target.closest("[data-control], [data-action]");
      const name = button?.dataset.control ?? button?.dataset.action;
      const act = {
        pause: () => this.player?.pause(), live: () => this.player?.live(),
        mute: () => this.player?.mute(!this.player.muted), unmute: () => this.player?.mute(false),
        captions: () => this.captions(localStorage.getItem(CAPTIONS_KEY) !== "on"),
        fullscreen: () => this.fullscreen(button.closest("[data-fullscreen]")),
        theatre: () => this.theatre(button),
      }[name];
      act?.();
    });
    for (const slider of control("volume")) slider.addEventListener("input", () => this.player?.volume(slider.value / 100));
    document.addEventListener("fullscreenchange", () => this.showFullscreen());
    this.showFullscreen();
  }

  // The player whose bar this is now (null when the premiere ends); its callbacks land here.
  attach(player) {
    this.player = player;
    if (!player) return;
    const bar = this.root.querySelector("[data-controls]");
    bar.querySelector("[data-control=captions]").hidden = !player.hasCaptions;
    this.captions(localStorage.getItem(CAPTIONS_KEY) === "on");
  }

  muted(muted) {
    for (const button of this.root.querySelectorAll("[data-control=mute]")) {
      button.setAttribute("aria-pressed", String(muted));
      button.setAttribute("aria-label", muted ? this.t.unmute : this.t.mute);
    }
    this.root.querySelector("[data-panel=premiere] [data-action=unmute]").hidden = !muted;
  }

  paused(paused) {
    const bar = this.root.querySelector("[data-controls]");
    bar.querySelector("[data-control=pause]").hidden = paused;
    bar.querySelector("[data-control=live]").hidden = !paused;
    bar.querySelector("[data-field=paused]").hidden = !paused;
  }

  captions(on) {
    localStorage.setItem(CAPTIONS_KEY, on ? "on" : "off");
    this.player?.captions(on);
    const button = this.root.querySelector("[data-control=captions]");
    button.setAttribute("aria-pressed", String(on));
    button.setAttribute("aria-label", on ? this.t.captions_off : this.t.captions_on);
  }

  fullscreen(screen) {
    if (document.fullscreenElement) document.exitFullscreen();
    else screen?.requestFullscreen?.().catch(() => {});
  }

  showFullscreen() {
    const on = Boolean(document.fullscreenElement);
    for (const button of this.root.querySelectorAll("[data-control=fullscreen]")) {
      button.setAttribute("aria-label", on ? this.t.exit_fullscreen : this.t.fullscreen);
    }
  }

  theatre(button) {
    const on = !this.root.classList.contains("theatre");
    this.root.classList.toggle("theatre", on);
    button.setAttribute("aria-pressed", String(on));
  }
}

// Phones: the question box is below the stage; one tap takes you there, ready to type.
export function askJump(link, box) {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    box.scrollIntoView({ block: "center" });
    box.focus({ preventScroll: true });
  });
  new IntersectionObserver(([entry]) => { link.classList.toggle("away", !entry.isIntersecting); }).observe(box);
}
