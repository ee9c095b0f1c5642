// A small HTTP app that shuts down the way a container app should: on SIGTERM it stops
// accepting, finishes the requests in flight, and exits 0.
const http = require('http');

const port = Number(process.env.PORT || 8080);
let served = 0;

const server = http.createServer((req, res) => {
  served++;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ hello: 'from tinit', pid: process.pid, served }));
});
server.listen(port, () => console.log(`listening on port ${port} as pid ${process.pid}`));

process.on('SIGTERM', () => {
  console.log(`SIGTERM: served ${served} requests, closing`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
