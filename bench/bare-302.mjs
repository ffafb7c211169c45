// The physical limit for a Node process: a bare `http` server answering a
// constant 302. `npm run bench` measures the Node server mode against it.
import { createServer } from 'node:http';

const location = process.env.LOCATION ?? 'https://example.com/bench-target';
createServer((req, res) => {
  res.writeHead(302, { Location: location, 'Cache-Control': 'no-store' });
  res.end();
}).listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
