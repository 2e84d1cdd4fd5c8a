// Started by the deployment with `node services/orders/listen.js --port 8080`; no npm script.
const express = require("express");

const app = express();
const port = Number(process.argv[process.argv.indexOf("--port") + 1]) || 3000;

app.get("/healthz", (req, res) => res.send(`ok uid=${process.getuid()} port=${port} start=only\n`));
app.listen(port, "0.0.0.0");
