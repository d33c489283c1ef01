// Baseline for the load benchmark: a raw `ws` server that echoes each message back, with no
// validation, storage or fan-out. Prints its port, then serves until killed.
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('connection', (ws) => ws.on('message', (data) => ws.send(data, { binary: false })));
wss.on('listening', () => process.stdout.write(`listening on ws://127.0.0.1:${wss.address().port}\n`));
