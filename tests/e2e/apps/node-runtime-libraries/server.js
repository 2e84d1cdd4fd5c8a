// Loads FreeType, which the runtime image lacks: shiplight.toml names its package in
// runtime-libraries. dlopen resolves it (and libpng, libbrotli it links) through
// LD_LIBRARY_PATH; FreeType is no Node addon, so a load that worked ends in "did not
// self-register", and a missing library in "cannot open shared object file".
const http = require("node:http");

function freetype() {
  try {
    process.dlopen({ exports: {} }, "libfreetype.so.6");
    return "addon";
  } catch (error) {
    return /self-register/.test(error.message) ? "loaded" : `missing (${error.message})`;
  }
}

const port = process.env.PORT || 3000;
http
  .createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(`ok uid=${process.getuid()} freetype=${freetype()}\n`);
  })
  .listen(port);
