// The live room page: follows room:state from the server and shows the countdown, the premiere in
// sync, the live Q&A with the livestream, the break and the end. On a reconnect socket.io fires
// "connect" again: we re-join and re-sync the clock, without a reload.
import { connect, join } from "/static/js/socket.js";
import { syncClock } from "/static/js/clock.js";
import { clockTime, text } from "/static/js/format.js";
import { LivePlayer } from "/static/js/player.js";
import { at, countdownTo, showSlots, slotOf } from "/static/js/room_state.js";

const root = document.getElementById("room");
const panels = Object.fromEntries([...root.querySelectorAll("[data-panel]")].map((p) => [p.dataset.panel, p]));
const unmute = root.querySelector("[data-action=unmute]");
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
  const qaOpen = state.phase === "qa" || (state.phase === "premiere" && root.dataset.qaDuringPremiere === "true");
  root.querySelector("[data-qa-slot]").hidden = !qaOpen;

  const info = state.talks[state.talk] || state.talks[state.next_talk];
  if (state.next_talk) {
    setText("next-title", text(info?.title));
    setText("next-speakers", speakers(info));
    // the slot's own start, not server_time + starts_in: float rounding would show 10:09 for 10:10
    const starts = slotOf(state, state.next_talk)?.start ?? Math.round(at(state, state.starts_in));
    setText("next-at", clockTime(new Date(starts)));
  }
  if (state.talk) { setText("title", text(info?.title)); setText("speakers", speakers(info)); }
  showSlots(root, state, { start: "start" });

  const samePremiere = previous.phase === "premiere" && previous.talk === state.talk && player;
  if (state.phase === "premiere" && !samePremiere) startPremiere(info);
  if (state.phase !== "premiere" && player) { player.stop(); player = null; unmute.hidden = true; }
  if (state.phase === "premiere" && player) player.startMs = at(state, -state.offset);  // a moderator moved it
  showLivestream(state.phase === "qa");
  tick();
}

function startPremiere(info) {
  player?.stop();
  const screen = panels.premiere.querySelector("[data-field=screen]");
  player = new LivePlayer(screen, info, at(state, -state.offset), {
    onMuted: (muted) => { unmute.hidden = !muted; },
    onBehind: (behind) => { panels.premiere.querySelector("[data-field=behind]").hidden = !behind; },
  });
  player.start();
}

function showLivestream(on) {
  const holder = panels.qa.querySelector("[data-field=livestream]");
  const id = root.dataset.livestream;
  if (!on || !id) { holder.replaceChildren(); return; }
  if (holder.querySelector("iframe")) return;
  const frame = document.createElement("iframe");
  frame.src = `https://www.youtube-nocookie.com/embed/${encodeURIComponent(id)}?autoplay=1&mute=1&playsinline=1`;
  frame.title = panels.qa.querySelector(".badge").textContent;
  frame.allow = "autoplay; encrypted-media; picture-in-picture";
  frame.allowFullscreen = true;
  holder.replaceChildren(frame);
}

function tick() {
  if (state.starts_in != null) setText("countdown", countdownTo(state, state.starts_in));
  if (state.phase === "qa") setText("qa-left", countdownTo(state, state.seconds_left));
}

async function enter() {
  const reply = await join(root.dataset.room);
  if (reply.ok) {
    render(reply.state);
    root.querySelector("[data-presence]").textContent = reply.presence;
  }
  await syncClock();
}

unmute.addEventListener("click", () => player?.unmute());
const socket = connect();
socket.on("connect", enter);
socket.on("room:state", (next) => { if (next.room === root.dataset.room) render(next); });
socket.on("room:presence", (p) => { if (p.room === root.dataset.room) root.querySelector("[data-presence]").textContent = p.count; });
setInterval(tick, 250);
render(state);
