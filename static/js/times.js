// Times on pages are written in the event's zone. Beside each, show the visitor's own time when
// their zone differs; and run countdowns on the server's clock (which a rehearsal shifts).
import { serverNow } from "/static/js/clock.js";

const body = document.body;
const eventZone = body.dataset.eventTz;
const visitorZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const lang = body.dataset.lang || "en";

function hm(date, zone) {
  return new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", timeZone: zone }).format(date);
}

if (visitorZone && eventZone && visitorZone !== eventZone) {
  const sample = new Date();
  if (hm(sample, visitorZone) !== hm(sample, eventZone)) {
    for (const el of document.querySelectorAll("time[data-local]")) {
      const hint = document.createElement("span");
      hint.className = "local-time";
      hint.textContent = `(${hm(new Date(el.dateTime), visitorZone)} ${body.dataset.yourTime})`;
      el.after(hint);
    }
    for (const note of document.querySelectorAll(".local-note")) note.hidden = false;
  }
}

export function formatCountdown(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24, m = Math.floor(s / 60) % 60, sec = s % 60;
  const pad = (n) => String(n).padStart(2, "0");
  return (d ? `${d}d ` : "") + `${pad(h)}:${pad(m)}:${pad(sec)}`;
}

const countdowns = document.querySelectorAll("[data-countdown]");
function tick() {
  for (const el of countdowns) {
    const left = Date.parse(el.dataset.countdown) - serverNow();
    // once it has begun, say so rather than sit at 00:00:00
    el.textContent = left <= 0 && el.dataset.started ? el.dataset.started : formatCountdown(left);
  }
}
if (countdowns.length) { tick(); setInterval(tick, 1000); }
