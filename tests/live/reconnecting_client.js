// The stock socket.io-client as the site's pages use it (static/js/socket.js: default transports,
// reconnection on), printing one JSON line per connect and disconnect. Needs `npm ci --prefix bench`.
//   NODE_PATH=bench/node_modules node tests/live/reconnecting_client.js URL
'use strict';
const { io } = require('socket.io-client');

const socket = io(process.argv[2], { reconnectionDelay: 200, reconnectionDelayMax: 1000 });
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
socket.on('connect', () => out({ type: 'connect', sid: socket.id }));
socket.on('disconnect', (reason) => out({ type: 'disconnect', reason }));
process.stdin.on('end', () => process.exit(0)).resume();
