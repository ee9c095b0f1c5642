// Polls the web app over HTTP and logs its status, one JSON line per poll.
const http = require('http');

const url = process.env.TARGET || 'http://127.0.0.1:8080/';
const every = Number(process.env.INTERVAL_MS || 500);

function poll() {
  const started = Date.now();
  http
    .get(url, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => console.log(JSON.stringify({ url, status: res.statusCode, ms: Date.now() - started, body: JSON.parse(body) })));
    })
    .on('error', (err) => console.log(JSON.stringify({ url, error: err.code })));
}
const timer = setInterval(poll, every);
poll();
process.on('SIGTERM', () => {
  clearInterval(timer);
  console.log('monitor stopped');
});
