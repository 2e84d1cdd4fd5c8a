// The package's programmatic API: what `require("orders-api")` gives; it starts nothing.
module.exports = { version: "1.0.0" };
