// pouchdb-server's core (express-pouchdb) on 127.0.0.1, databases in memory.
// Prints {"port": N} once listening. Used by `python -m bench links`.
"use strict";
const express = require("express");
const PouchDB = require("pouchdb-node").plugin(require("pouchdb-adapter-memory"));

const MemoryPouch = PouchDB.defaults({ adapter: "memory" });
const app = express();
app.use(
  "/",
  require("express-pouchdb")(MemoryPouch, {
    mode: "minimumForPouchDB",
    inMemoryConfig: true,
    logPath: "/dev/null",
  }),
);
const server = app.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + "\n");
});
