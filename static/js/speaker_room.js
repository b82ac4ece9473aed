// The speaker's private page: where they are in their own slot — premiere to come, premiere playing
// (counting to their Q&A), on air (counting to its end), done — and which phase the room is in. Their
// times follow their slot when a moderator moves it, on the page's one server clock, refined here over
// the socket. The session cookie tells the server who they are.
import { connect, join } from "/static/js/socket.js";
import { serverNow, syncClock } from "/static/js/clock.js";
import { formatCountdown, text } from "/static/js/format.js";
import { runs } from "/static/js/room_state.js";

const root = document.getElementById("speaker-room");
const labels = JSON.parse(document.getElementById("phase-labels").textContent);
const headlines = JSON.parse(document.getElementById("speaker-headlines").textContent);
const mine = new Set(root.dataset.mine.split(" "));
// theirs, as the page was rendered; each room:state brings them again (a moderator may move them)
let slots = JSON.parse(document.getElementById("speaker-slots").textContent).filter(runs);

function render(state) {
  root.dataset.phase = state.phase;
  root.dataset.talk = state.talk || "";
  slots = state.slots.filter((s) => mine.has(s.talk) && runs(s));
  const talk = state.talks[state.talk];
  const phase = root.querySelector("[data-field=phase]");
  if (!phase) return;
  phase.textContent = labels[state.phase] + (talk ? ` · ${text(talk.title)}` : "");
  phase.classList.toggle("yours", mine.has(state.talk));
  tick();
}

// Their next slot that is not over, and the instant their part changes next.
function where(now) {
  const slot = slots.find((s) => Date.parse(s.end) > now);
  if (!slot) return { part: "done" };
  const [start, qa, end] = [slot.start, slot.qa_start, slot.end].map(Date.parse);
  if (now < start) return { part: "before", until: start };
  return now < qa ? { part: "premiere", until: qa } : { part: "qa", until: end };
}

function tick() {
  const headline = root.querySelector("[data-field=headline]");
  if (!headline || !slots.length) return;
  const now = serverNow();
  const { part, until } = where(now);
  root.dataset.part = part;
  headline.textContent = headlines[part];
  root.querySelector("[data-field=clock]").textContent = until ? formatCountdown(until - now) : "";
}

if (root.dataset.room) {
  const socket = connect();
  socket.on("connect", async () => {
    const reply = await join(root.dataset.room);
    if (reply.ok) render(reply.state);
    await syncClock(reply);
  });
  socket.on("room:state", (state) => { if (state.room === root.dataset.room) render(state); });
}
setInterval(tick, 500);
tick();
