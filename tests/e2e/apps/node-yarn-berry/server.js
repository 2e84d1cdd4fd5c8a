const express = require("express");
const fs = require("fs");

let devdeps = "absent";
try {
  require.resolve("is-number");
  devdeps = "present";
} catch {}

const app = express();
app.get("/healthz", (req, res) => {
  const pnp = process.versions.pnp ? "on" : "off";
  const modules = fs.existsSync(`${__dirname}/node_modules/express`) ? "yes" : "no";
  const shipped = fs.existsSync(`${__dirname}/.yarnrc.yml`);
  res.send(`ok uid=${process.getuid()} pnp=${pnp} node_modules=${modules} devdeps=${devdeps} yarnrc-shipped=${shipped}`);
});
app.listen(process.env.PORT || 3000);
