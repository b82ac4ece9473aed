// A stock socket.io-client driven over stdio, for tests/live/test_broadcast.py.
//   node bench/stock_client.js URL ROOM [websocket|polling|default]
// Prints one JSON line per happening: {"type":"joined","transport":...},
// {"type":"upgrade","transport":...}, {"type":"event","name":...,"args":[...]}.
// Reads JSON lines on stdin: ["emit", name, data] emits; stdin closing exits.
'use strict';
const readline = require('readline');
const { io } = require('socket.io-client');

const [url, room, mode = 'default'] = process.argv.slice(2);
const opts = { forceNew: true, reconnection: false, auth: { room } };
if (mode !== 'default') opts.transports = [mode];
const socket = io(url, opts);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

const transport = () => socket.io.engine.transport.name;
socket.io.on('open', () => {
  socket.io.engine.on('upgrade', (t) => out({ type: 'upgrade', transport: t.name }));
});
socket.on('connect', () => {
  socket.emit('join', room, (ack) => out({ type: 'joined', ack, sid: socket.id,
    transport: transport() }));
});
socket.onAny((name, ...args) => out({ type: 'event', name, args, transport: transport() }));
socket.on('connect_error', (e) => { out({ type: 'error', message: String(e) }); process.exit(2); });
socket.on('disconnect', (reason) => out({ type: 'disconnect', reason }));

readline.createInterface({ input: process.stdin })
  .on('line', (line) => {
    const [cmd, name, data] = JSON.parse(line);
    if (cmd === 'emit') socket.emit(name, data);
  })
  .on('close', () => { socket.disconnect(); process.exit(0); });
