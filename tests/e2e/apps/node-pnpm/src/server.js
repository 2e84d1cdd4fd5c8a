const Koa = require("koa");

const app = new Koa();
app.use((ctx) => {
  ctx.type = "text/plain";
  ctx.body = `ok uid=${process.getuid()} pnpm-layout=${require.resolve("koa").includes(".pnpm")}\n`;
});
app.listen(Number(process.env.PORT || 4000));
