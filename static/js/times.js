// Every page: times are written in the event's zone; beside each, show the visitor's own time when
// their zone differs. And run the page's countdowns (data-countdown) on the server's clock.
import { serverNow } from "/static/js/clock.js";
import { clockTime, eventZone, formatCountdown, visitorTime } from "/static/js/format.js";

const visitorZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

if (visitorZone && eventZone && visitorZone !== eventZone) {
  const sample = new Date();
  if (clockTime(sample, visitorZone) !== clockTime(sample)) {  // another name for the same offset is no news
    for (const el of document.querySelectorAll("time[data-local]")) {
      const hint = document.createElement("span");
      hint.className = "local-time";
      hint.textContent = `(${visitorTime(new Date(el.dateTime))} ${document.body.dataset.yourTime})`;
      el.after(hint);
    }
    for (const note of document.querySelectorAll(".local-note")) note.hidden = false;
  }
}

const countdowns = document.querySelectorAll("[data-countdown]");
function tick() {
  for (const el of countdowns) {
    // read each time: the speaker's page moves it when a moderator moves their talk
    const left = Date.parse(el.dataset.countdown) - serverNow();
    // once it has begun, say so rather than sit at 00:00:00
    el.textContent = left <= 0 && el.dataset.started ? el.dataset.started : formatCountdown(left);
  }
}
if (countdowns.length) { tick(); setInterval(tick, 1000); }
