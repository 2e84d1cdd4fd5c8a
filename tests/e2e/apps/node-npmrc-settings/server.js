const express = require("express");
const fs = require("fs");

const app = express();
const port = process.env.PORT || 3000;

app.get("/healthz", (req, res) => {
  const seen = fs.readFileSync(`${__dirname}/npmrc-seen.txt`, "utf8");
  const shipped = fs.existsSync(`${__dirname}/.npmrc`);
  res.type("text").send(`ok uid=${process.getuid()} npmrc-at-install=${seen} npmrc-shipped=${shipped}\n`);
});

app.listen(port);
