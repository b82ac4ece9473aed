// The live room page: follows room:state from the server and shows the countdown (with the trailer
// before the day starts), the premiere in sync, the live Q&A with the livestream, the break and the
// end; the head count, and the reactions. On a reconnect socket.io fires "connect" again: we re-join
// and re-sync the clock, without a reload.
import { connect, join } from "/static/js/socket.js";
import { syncClock } from "/static/js/clock.js";
import { clockTime, count, shown, text } from "/static/js/format.js";
import { LivePlayer } from "/static/js/player.js";
import { showReactions } from "/static/js/reactions.js";
import { at, countdownTo, showSlots, slotOf } from "/static/js/room_state.js";
import { Controls, askJump } from "/static/js/stage.js";
import { youtube } from "/static/js/youtube.js";

const root = document.getElementById("room");
const panels = Object.fromEntries([...root.querySelectorAll("[data-panel]")].map((p) => [p.dataset.panel, p]));
const strings = JSON.parse(document.getElementById("room-strings").textContent);
const controls = new Controls(root, strings);
const reactions = showReactions(root.querySelector("[data-reactions]"), root.dataset.room);
let state = JSON.parse(document.getElementById("room-state").textContent);
let player = null;

const fields = (name) => root.querySelectorAll(`[data-field="${name}"]`);
const setText = (name, value) => fields(name).forEach((el) => { el.textContent = value; });

function speakers(info) {
  return (info?.speakers || []).map((s) => text(s.name)).join(", ");
}

function panelFor(phase) {
  return ["before", "countdown", "break"].includes(phase) ? "waiting" : phase;
}

function render(next) {
  const previous = state;
  state = next;
  root.dataset.phase = state.phase;
  root.dataset.talk = state.talk || "";
  for (const [name, panel] of Object.entries(panels)) panel.hidden = name !== panelFor(state.phase);
  for (const el of root.querySelectorAll("[data-show]")) el.hidden = !el.dataset.show.split(" ").includes(state.phase);
  const trailer = state.phase === "before" && root.dataset.trailer;
  root.querySelector("[data-countdown-card]").hidden = Boolean(trailer);
  root.querySelector("[data-reactions]").hidden = !["premiere", "qa"].includes(state.phase);
  if (state.talk !== previous.talk) reactions.reset();

  const info = state.talks[state.talk] || state.talks[state.next_talk];
  if (state.next_talk) {
    setText("next-title", text(info?.title));
    setText("next-speakers", speakers(info));
    // the slot's own start, not server_time + starts_in: float rounding would show 10:09 for 10:10
    const starts = slotOf(state, state.next_talk)?.start ?? new Date(Math.round(at(state, state.starts_in))).toISOString();
    setText("next-at", clockTime(shown(starts)));
  }
  if (state.talk) { setText("title", text(info?.title)); setText("speakers", speakers(info)); }
  showSlots(root, state, { start: "start" });

  const samePremiere = previous.phase === "premiere" && previous.talk === state.talk && player;
  if (state.phase === "premiere" && !samePremiere) startPremiere(info);
  if (state.phase !== "premiere" && player) { player.stop(); player = null; controls.attach(null); }
  if (state.phase === "premiere" && player) player.startMs = at(state, -state.offset);  // a moderator moved it
  embed("livestream", state.phase === "qa" && root.dataset.livestream, "unmute-stream");
  embed("trailer", trailer, null);
  tick();
}

function startPremiere(info) {
  player?.stop();
  const screen = panels.premiere.querySelector("[data-field=screen]");
  player = new LivePlayer(screen, info, at(state, -state.offset), {
    muted: (muted) => controls.muted(muted),
    behind: (behind) => { panels.premiere.querySelector("[data-field=behind]").hidden = !behind; },
    paused: (paused) => controls.paused(paused),
  });
  controls.paused(false);
  player.start();
  controls.attach(player);
}

// The livestream (Q&A) or the trailer (before the day): YouTube's own player, muted as browsers
// require, with a button to unmute; a card with a link to YouTube when it cannot load.
const embedded = {};
async function embed(field, videoId, unmuteAction) {
  const holder = root.querySelector(`[data-field="${field}"]`);
  if (!holder) return;
  const unmute = unmuteAction && root.querySelector(`[data-action="${unmuteAction}"]`);
  if (!videoId) {
    embedded[field]?.then((yt) => yt?.destroy());
    delete embedded[field];
    holder.replaceChildren();
    if (unmute) unmute.hidden = true;
    return;
  }
  if (embedded[field]) return;
  embedded[field] = youtube(holder, videoId, { playerVars: { autoplay: 1, mute: 1 } });
  const yt = await embedded[field];
  if (!yt || !unmute) return;
  unmute.hidden = false;
  unmute.onclick = () => { yt.unMute(); unmute.hidden = true; };
}

function tick() {
  if (state.starts_in != null) setText("countdown", countdownTo(state, state.starts_in));
  if (state.phase === "qa") setText("qa-left", strings.qa_left.replace("{time}", countdownTo(state, state.seconds_left)));
  if (state.phase === "premiere") setText("premiere-left", strings.qa_in.replace("{time}", countdownTo(state, state.seconds_left)));
}

function showPresence(n) {
  root.querySelector("[data-presence]").textContent = count("watching", n);
}

async function enter() {
  const reply = await join(root.dataset.room);
  if (reply.ok) {
    render(reply.state);
    showPresence(reply.presence);
  }
  await syncClock(reply);
}

const socket = connect();
socket.on("connect", enter);
socket.on("room:state", (next) => { if (next.room === root.dataset.room) render(next); });
socket.on("room:presence", (p) => { if (p.room === root.dataset.room) showPresence(p.count); });
askJump(root.querySelector("[data-ask-jump]"), document.getElementById("qa-text"));
setInterval(tick, 250);
render(state);
