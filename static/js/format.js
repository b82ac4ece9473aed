// How pages write what the server sends, the same way everywhere and the way the server's templates
// do: text in the page's language, times of day in the event's zone, countdowns.
export const lang = document.documentElement.lang || "en";  // every page sets it, the overlay too
export const eventZone = document.body.dataset.eventTz;  // undefined on the overlay, which shows no times

// In a rehearsal the programme of another day runs now: the server's clock and the slots it sends are
// the programme's, but pages show when things really happen (the server renders them so too).
const shiftMs = Number(document.body.dataset.shiftMs || 0);
export const shown = (iso) => new Date(Date.parse(iso) - shiftMs);

// "21 смотрит": a count in the page's language, its plural form chosen by Intl.PluralRules among the
// texts the server gives for each category (web/render.py `counts`).
const countTexts = JSON.parse(document.getElementById("counts")?.textContent || "{}");
const pluralRules = new Intl.PluralRules(lang);
export function count(name, n) {
  const forms = countTexts[name] || {};
  return (forms[pluralRules.select(n)] ?? forms.other ?? Object.values(forms)[0] ?? "{n}").replace("{n}", n);
}

// A programme text ({en, ru, ...}) in the page's language, else English, else whichever it has.
export const text = (value) => (value && (value[lang] || value.en || Object.values(value)[0])) || "";

const hourMinute = (zone, hourCycle) =>
  new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", hourCycle, timeZone: zone });
const eventClock = hourMinute(eventZone, "h23");  // built once: pages re-render on every room:state
const visitorClock = hourMinute(undefined);

// "14:05" in the event's zone (or `zone`): 24-hour in either language, as the server writes %H:%M.
export const clockTime = (date, zone) => (zone ? hourMinute(zone, "h23") : eventClock).format(date);

// The visitor's own time of day, the way their language writes it ("07:11 AM" in English).
export const visitorTime = (date) => visitorClock.format(date);

// A <time> element showing an ISO instant of the programme, as it really happens.
export function setTime(el, iso) {
  const when = shown(iso);
  el.dateTime = when.toISOString();
  el.textContent = clockTime(when);
}

// "1d 02:03:04", or "02:03:04" under a day; never negative.
export function formatCountdown(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24, m = Math.floor(s / 60) % 60, sec = s % 60;
  const pad = (n) => String(n).padStart(2, "0");
  return (d ? `${d}d ` : "") + `${pad(h)}:${pad(m)}:${pad(sec)}`;
}
