const http = require("http");
const pq = require("./build/Release/pq.node");

const port = process.env.PORT || 3000;
http
  .createServer((req, res) => {
    const major = Math.floor(pq.version() / 10000);
    res.end(`ok uid=${process.getuid()} libpq=${major}`);
  })
  .listen(port);
