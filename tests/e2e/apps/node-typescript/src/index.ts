import * as http from "node:http";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ms: (value: string) => number = require("ms");

const port = Number(process.env.PORT ?? 8080);

http
  .createServer((req, res) => {
    let typescript = "absent";
    try {
      require.resolve("typescript");
      typescript = "present";
    } catch {}
    res.setHeader("content-type", "text/plain");
    res.end(`ok uid=${process.getuid?.()} ms=${ms("1m")} typescript=${typescript}\n`);
  })
  .listen(port, "0.0.0.0");
