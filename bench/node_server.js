// Reference server: Node socket.io 4.8, same protocol as ours_server.py.
//   node bench/node_server.js --port 8002
// A client emits `join` (ack'd) to enter room `bench`; the emitter client emits
// `bench:emit` with a payload and the server broadcasts it to the room as
// `qa:tally`. Prints `READY <port>` once listening.
'use strict';
const http = require('http');
const { Server } = require('socket.io');

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const port = Number(arg('port', 8002));
const host = arg('host', '127.0.0.1');

const httpServer = http.createServer();
// Defaults kept (perMessageDeflate off, pingInterval 25 s, pingTimeout 20 s).
const io = new Server(httpServer, { cors: { origin: '*' } });

io.on('connection', (socket) => {
  socket.on('join', (_room, ack) => {
    socket.join('bench');
    if (typeof ack === 'function') ack({ ok: true });
  });
  socket.on('bench:emit', (payload) => {
    socket.to('bench').emit('qa:tally', payload);
  });
});

httpServer.listen({ port, host, backlog: 4096 }, () => {
  process.stdout.write(`READY ${port}\n`);
});
const stop = () => { io.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
