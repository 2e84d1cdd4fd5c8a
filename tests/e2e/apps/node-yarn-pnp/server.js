const express = require("express");

let devdeps = "absent";
try {
  require.resolve("is-number");
  devdeps = "present";
} catch {}

const app = express();
app.get("/healthz", (req, res) => {
  const pnp = process.versions.pnp ? "on" : "off";
  res.send(`ok uid=${process.getuid()} pnp=${pnp} devdeps=${devdeps}`);
});
app.listen(process.env.PORT || 3000);
