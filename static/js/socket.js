// One socket.io connection per page, shared by every module on it (room, Q&A, overlay).
// The stock client from npm, served from /static/vendor: no CDN, no hand-written protocol.
import { io } from "/static/vendor/socket.io.esm.min.js";

let socket;
const joins = new Map(); // room slug → the room:join reply of this connection

export function connect(options = {}) {
  // The attendee cookie (HttpOnly) rides along with the handshake; moderators and speakers may add auth.
  if (!socket) {
    socket = io(options);  // long-polling first, then the websocket upgrade: works behind proxies
    socket.on("disconnect", () => joins.clear());  // the server forgets rooms: join again on reconnect
  }
  return socket;
}

// Join a room once per connection, however many modules on the page ask (room, Q&A, moderation).
export function join(room) {
  if (!joins.has(room)) joins.set(room, call("room:join", { room }));
  return joins.get(room);
}

// emit with an ack as a promise: resolves to {ok: true, ...} or {ok: false, error: {code, message}}.
export function call(event, payload, timeoutMs = 5000) {
  return new Promise((resolve) => {
    connect().timeout(timeoutMs).emit(event, payload, (err, reply) => {
      resolve(err ? { ok: false, error: { code: "timeout", message: "No answer from the server" } } : reply);
    });
  });
}
