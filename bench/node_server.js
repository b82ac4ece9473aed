// Reference server for bench/event_day.py: Node socket.io 4.8 speaking the room page's protocol, with
// the votes in memory and the same coalescing as ours (one qa:tally per room per 100 ms tick while votes
// arrive, nothing when idle).
//   node bench/node_server.js --port 8002 --state STATE.json
// STATE.json is a room:state captured from the real server, so both send the same bytes on join.
// GET /rooms/<room> sets the attendee cookie; socket events: room:join, qa:list, clock:sync, qa:ask,
// qa:vote, answered as the real server answers. Prints `READY <port>` once listening.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const { Server } = require('socket.io');

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const port = Number(arg('port', 8002));
const TICK_MS = 100;
const state = JSON.parse(fs.readFileSync(arg('state'), 'utf8'));

const httpServer = http.createServer((req, res) => {
  const id = crypto.randomBytes(12).toString('base64url');
  res.writeHead(200, { 'Content-Type': 'text/html', 'Set-Cookie': `es_attendee=${id}; Path=/; HttpOnly` });
  res.end('<!doctype html><title>room</title>');
});
// Defaults kept (perMessageDeflate off, pingInterval 25 s, pingTimeout 20 s).
const io = new Server(httpServer);
const questions = new Map(); // id -> {id, talk, text, voters: Set}
const pending = new Map(); // room -> Set of question ids voted on since the last tick
let ticking = null;

function tick() {
  if (!pending.size) { clearInterval(ticking); ticking = null; return; }
  for (const [room, ids] of pending) {
    const votes = {};
    for (const id of ids) votes[id] = questions.get(id).voters.size;
    io.to(`room:${room}`).emit('qa:tally', { room, votes });
  }
  pending.clear();
}
const view = (q) => ({ id: q.id, talk: q.talk, text: q.text, state: 'approved', votes: q.voters.size, on_air: false });

io.on('connection', (socket) => {
  const cookie = /es_attendee=([^;]+)/.exec(socket.handshake.headers.cookie || '');
  const attendee = cookie ? cookie[1] : crypto.randomBytes(12).toString('base64url');
  socket.on('room:join', (data, ack) => {
    socket.join(`room:${data.room}`);
    socket.join(`att:${attendee}`);
    const now = { ...state, server_time: Date.now() };
    socket.emit('room:state', now);
    socket.emit('qa:snapshot', { room: data.room, talk: state.talk, questions: [...questions.values()].map(view), mine: [], voted: [] });
    ack({ ok: true, state: now, presence: io.sockets.adapter.rooms.get(`room:${data.room}`).size });
  });
  socket.on('qa:list', (data, ack) => ack({ ok: true, room: state.room, talk: data.talk, title: {}, privileged: false,
                                             open: true, questions: [...questions.values()].map(view), mine: [], voted: [] }));
  socket.on('clock:sync', (data, ack) => ack({ ok: true, t0: data.t0, server_time: Date.now() }));
  socket.on('qa:ask', (data, ack) => {
    const q = { id: crypto.randomBytes(9).toString('base64url'), talk: data.talk, text: data.text, voters: new Set() };
    questions.set(q.id, q);
    ack({ ok: true, question: view(q) });
  });
  socket.on('qa:vote', (data, ack) => {
    const q = questions.get(data.question);
    if (!q) { ack({ ok: false, error: { code: 'not_found', message: 'there is no such question' } }); return; }
    if (q.voters.has(attendee)) { ack({ ok: false, error: { code: 'already_voted', message: 'already voted' } }); return; }
    q.voters.add(attendee);
    if (!pending.has(state.room)) pending.set(state.room, new Set());
    pending.get(state.room).add(q.id);
    if (!ticking) ticking = setInterval(tick, TICK_MS);
    ack({ ok: true, question: q.id, votes: q.voters.size, voted: true });
  });
});

httpServer.listen({ port, host: '127.0.0.1', backlog: 4096 }, () => {
  process.stdout.write(`READY ${port}\n`);
});
const stop = () => { io.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
