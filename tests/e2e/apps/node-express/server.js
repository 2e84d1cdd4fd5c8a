const express = require("express");

const app = express();
const port = process.env.PORT || 3000;

app.get("/healthz", (req, res) => {
  let dev = "absent";
  try {
    require.resolve("is-number");
    dev = "present";
  } catch {}
  res.type("text").send(`ok uid=${process.getuid()} node=${process.version} devdeps=${dev}\n`);
});

app.listen(port);
