// One socket.io connection per page, shared by every module on it (room, Q&A, overlay).
// The stock client from npm, served from /static/vendor: no CDN, no hand-written protocol.
import { io } from "/static/vendor/socket.io.esm.min.js";
import { localNow } from "/static/js/clock.js";

let socket;
const joins = new Map(); // room slug → the room:join reply of this connection

export function connect(options = {}) {
  // The attendee cookie (HttpOnly) rides along with the handshake; moderators and speakers may add auth.
  if (!socket) {
    // The websocket at once: one request where long-polling first costs three or four more per arrival,
    // thousands of times in the published minute. Behind a proxy that blocks websockets the client falls
    // back to long-polling (tryAllTransports), which needs the sticky sessions of deploy/nginx.conf.
    socket = io({ transports: ["websocket", "polling"], tryAllTransports: true, ...options });
    socket.on("disconnect", () => joins.clear());  // the server forgets rooms: join again on reconnect
  }
  return socket;
}

// Join a room once per connection, however many modules on the page ask (room, Q&A, moderation).
// The reply also says when it was sent and received (local monotonic ms): its state's server_time makes
// it a clock sample (clock.js), one round trip fewer for every arrival.
export function join(room) {
  if (!joins.has(room)) {
    const sent = localNow();
    joins.set(room, call("room:join", { room }).then((reply) => ({ ...reply, sent, received: localNow() })));
  }
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
