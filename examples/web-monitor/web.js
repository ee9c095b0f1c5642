// A small web app: serves the prepared data, and shuts down cleanly on SIGTERM.
const fs = require('fs');
const http = require('http');

const dir = process.env.DATA_DIR || '/tmp/web-monitor';
const port = Number(process.env.PORT || 8080);
const preparedAt = fs.readFileSync(`${dir}/prepared-at`, 'utf8').trim();
let requests = 0;

const server = http.createServer((req, res) => {
  requests++;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ status: 'ok', preparedAt, requests }));
});
server.listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}`));

process.on('SIGTERM', () => {
  console.log(`SIGTERM: closing after ${requests} requests`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
