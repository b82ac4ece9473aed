// Reactions: the buttons that send room:react, and what each room:reactions brings — a light float of
// every emoji and a running count per kind (what this page has seen for the talk on now). With
// prefers-reduced-motion, only the counts change. Used by the room page and the OBS overlay.
import { call, connect } from "/static/js/socket.js";
import { count } from "/static/js/format.js";

const calm = matchMedia("(prefers-reduced-motion: reduce)");
const MAX_FLOATS = 12;  // per kind and message: a storm of applause floats a dozen, not thousands

export function showReactions(root, room) {
  const floats = root.querySelector("[data-floats]");
  const total = root.querySelector("[data-react-total]");
  const totals = new Map();

  function show() {
    for (const label of root.querySelectorAll("[data-react-count]")) {
      label.textContent = totals.get(label.dataset.reactCount) || "";
    }
    if (total) total.textContent = count("reactions", [...totals.values()].reduce((a, b) => a + b, 0));
  }

  connect().on("room:reactions", (message) => {
    if (message.room !== room) return;
    for (const [kind, n] of Object.entries(message.counts)) {
      totals.set(kind, (totals.get(kind) || 0) + n);
      if (!calm.matches) for (let i = 0; i < Math.min(n, MAX_FLOATS); i++) float(floats, kind);
    }
    show();
  });

  root.addEventListener("click", (event) => {
    const button = event.target.closest("[data-react]");
    if (button) call("room:react", { room, kind: button.dataset.react });  // too fast: the server says so, nothing to show
  });

  return { reset() { totals.clear(); show(); } };
}

function float(holder, kind) {
  const bubble = document.createElement("span");
  bubble.className = "float";
  bubble.textContent = kind;
  bubble.style.left = `${5 + Math.random() * 85}%`;
  bubble.style.animationDelay = `${Math.round(Math.random() * 400)}ms`;
  bubble.addEventListener("animationend", () => bubble.remove());
  holder.append(bubble);
}
