// The broadcast scene (OBS's browser source): the room's day as the stream shows it, from the same
// room:state and server clock as the room page. Slate before each talk, the premiere with sound at the
// live position (player.js), a "Q&A next" sting, the Q&A lower third with the question on air and the
// reactions, the break slate over the gallery's works, the end credits. After a reconnect it re-joins
// and re-syncs the clock; after a reload the server renders the state it is in.
import { connect, join } from "/static/js/socket.js";
import { serverNow, syncClock } from "/static/js/clock.js";
import { clockTime, lang, shown, text } from "/static/js/format.js";
import { LivePlayer } from "/static/js/player.js";
import { Queue, follow } from "/static/js/qa_queue.js";
import { showReactions } from "/static/js/reactions.js";
import { at, countdownTo, runs, slotOf } from "/static/js/room_state.js";

const STING_SECONDS = 6;  // the last seconds of a premiere, when the "Q&A next" card shows over it
const WORK_SECONDS = 8;  // each gallery work on the break slate

const root = document.getElementById("scene");
const talks = JSON.parse(document.getElementById("scene-talks").textContent);
const strings = JSON.parse(document.getElementById("scene-strings").textContent);
let state = JSON.parse(document.getElementById("room-state").textContent);
let player = null;

const field = (name) => root.querySelector(`[data-field="${name}"]`);
const setText = (name, value) => { field(name).textContent = value; };
const clockWithSeconds = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", second: "2-digit",
  hourCycle: "h23", timeZone: document.body.dataset.eventTz });

const sceneOf = (phase) => (["before", "countdown"].includes(phase) ? "slate" : phase);

// A programme text in the other languages it has, for a bilingual slate ("" when it has one only).
const otherLanguages = (value) => [...new Set(Object.entries(value || {})
  .filter(([key, v]) => key !== lang && v !== text(value)).map(([, v]) => v))].join(" · ");

// The talk as the page was given it (both languages, photos), or as a later room:state names it.
function infoOf(slug) {
  if (!slug) return null;
  const sent = state.talks[slug];
  return talks[slug] ?? (sent && { title: sent.title, speakers: sent.speakers.map((s) => ({ name: s.name })) });
}

const names = (info) => (info?.speakers || []).map((s) => text(s.name)).join(", ");

// The talk running after `slug` in the room's day, if any.
function after(slug) {
  const order = state.slots.filter(runs);
  const i = order.findIndex((slot) => slot.talk === slug);
  return i >= 0 ? order[i + 1] : undefined;
}

function showSpeakers(info) {
  const list = field("speakers");
  list.replaceChildren(...(info?.speakers || []).map((s) => {
    const item = document.createElement("li");
    if (s.photo) item.append(Object.assign(document.createElement("img"), { src: s.photo, alt: "" }));
    const name = Object.assign(document.createElement("span"), { className: "name", textContent: text(s.name) });
    const other = Object.assign(document.createElement("span"), { className: "other-lang", textContent: otherLanguages(s.name) });
    item.append(name, other);
    return item;
  }));
}

function showCredits() {
  field("credits").replaceChildren(...state.slots.filter(runs).map((slot) => {
    const info = infoOf(slot.talk);
    const item = document.createElement("li");
    item.append(Object.assign(document.createElement("span"), { className: "talk", textContent: text(info?.title) }),
      Object.assign(document.createElement("span"), { className: "name", textContent: names(info) }));
    return item;
  }));
}

function render(next) {
  const previous = state;
  state = next;
  const scene = sceneOf(state.phase);
  Object.assign(root.dataset, { phase: state.phase, talk: state.talk || "", scene });
  for (const section of root.querySelectorAll("[data-show]")) section.hidden = section.dataset.show !== scene;

  const coming = infoOf(state.next_talk);
  const upNext = after(state.next_talk);
  setText("title", text(coming?.title));
  setText("title-other", otherLanguages(coming?.title));
  showSpeakers(coming);
  field("next-up-line").hidden = !upNext;
  setText("next-up", upNext ? `${clockTime(shown(upNext.start))} · ${text(infoOf(upNext.talk)?.title)}` : "");
  const nextSlot = slotOf(state, state.next_talk);
  setText("back-at", nextSlot ? strings.back_at.replace("{time}", clockTime(shown(nextSlot.start))) : "");
  setText("break-next", text(coming?.title));

  const on = infoOf(state.talk);
  setText("sting-title", text(on?.title));
  setText("qa-title", [text(on?.title), otherLanguages(on?.title)].filter(Boolean).join(" / "));
  setText("qa-speakers", names(on));
  if (state.talk !== previous.talk) reactions.reset();
  showCredits();

  const samePremiere = previous.phase === "premiere" && previous.talk === state.talk && player;
  if (state.phase === "premiere" && !samePremiere) startPremiere();
  if (state.phase !== "premiere" && player) { player.stop(); player = null; }
  if (state.phase === "premiere" && player) player.startMs = at(state, -state.offset);  // a moderator moved it
  tick();
}

// The recording with its sound: OBS's browser source may autoplay it (its audio is mixed in OBS).
function startPremiere() {
  player?.stop();
  player = new LivePlayer(field("screen"), state.talks[state.talk], at(state, -state.offset), {}, { withSound: true });
  player.start();
}

function tick() {
  if (state.starts_in != null) setText("countdown", countdownTo(state, state.starts_in));
  setText("clock", clockWithSeconds.format(shown(new Date(serverNow()).toISOString())));
  field("sting").hidden = !(state.phase === "premiere" && at(state, state.seconds_left) - serverNow() <= STING_SECONDS * 1000);
}

// The break slate's slow loop through the gallery's works, each credited under the slate.
function loopWorks() {
  const works = [...root.querySelectorAll("[data-works] img")];
  if (!works.length) return;
  let i = 0;
  const credit = () => setText("work-credit", works[i].dataset.credit);
  credit();
  if (works.length < 2) return;
  setInterval(() => {
    works[i].classList.add("later");
    i = (i + 1) % works.length;
    works[i].classList.remove("later");
    credit();
  }, WORK_SECONDS * 1000);
}

const queue = new Queue(root.dataset.room);
const onAir = root.querySelector("[data-qa-onair]");
follow(queue, () => {
  const question = queue.onAir();
  onAir.hidden = !question;
  if (!question) return;
  onAir.querySelector("[data-qa-onair-text]").textContent = question.text;
  onAir.querySelector("[data-qa-onair-name]").textContent = question.name || strings.anonymous;
});
const reactions = showReactions(root.querySelector("[data-scene-reactions]"), root.dataset.room);

async function enter() {
  const reply = await join(root.dataset.room);
  if (reply.ok) render(reply.state);
  await syncClock(reply);
}

const socket = connect();
socket.on("connect", enter);
socket.on("room:state", (next) => { if (next.room === root.dataset.room) render(next); });
setInterval(tick, 250);
loopWorks();
render(state);
