// Push contact documents to a CouchDB-protocol server with PouchDB's replicator.
//
//   node replicate.js <remote db url> <docs.json> <deadline seconds>
//
// Replicates once (retrying after a dropped link, as an app would, until the
// deadline), prints {"phase":"push",...}, then waits for a line on stdin and
// replicates again with nothing new (the idle sync), printing {"phase":"idle",...}.
// Requests are counted at the fetch PouchDB uses; bytes are counted by the
// proxy in between.
"use strict";
const PouchDB = require("pouchdb-node").plugin(require("pouchdb-adapter-memory"));
const fs = require("fs");
const readline = require("readline");

const [remoteUrl, docsPath, deadlineArg] = process.argv.slice(2);
const deadline = Number(deadlineArg || "300") * 1000;
let requests = 0;
// Like Parley's client: a request that hears nothing for 20 s counts as cut.
const counting = (url, opts) => {
  requests += 1;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 20000);
  return PouchDB.fetch(url, { ...opts, signal: abort.signal }).finally(() =>
    clearTimeout(timer),
  );
};

async function replicateUntilDone(local, remote, until) {
  let failures = 0;
  for (;;) {
    try {
      await local.replicate.to(remote, { batch_size: 100 });
      return { ok: true, failures };
    } catch (err) {
      failures += 1;
      if (Date.now() > until) return { ok: false, failures };
      await new Promise((r) => setTimeout(r, 500 + Math.random() * 1500));
    }
  }
}

async function main() {
  const docs = JSON.parse(fs.readFileSync(docsPath, "utf8"));
  const local = new PouchDB("local-" + process.pid, { adapter: "memory" });
  const remote = new PouchDB(remoteUrl, { fetch: counting, skip_setup: false });
  await local.bulkDocs(docs);
  let start = Date.now();
  requests = 0;
  let done = await replicateUntilDone(local, remote, start + deadline);
  const push = { phase: "push", requests, ms: Date.now() - start, ...done };
  process.stdout.write(JSON.stringify(push) + "\n");
  const rl = readline.createInterface({ input: process.stdin });
  await new Promise((resolve) => rl.once("line", resolve));
  rl.close();
  start = Date.now();
  requests = 0;
  done = await replicateUntilDone(local, remote, start + deadline);
  const idle = { phase: "idle", requests, ms: Date.now() - start, ...done };
  process.stdout.write(JSON.stringify(idle) + "\n");
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
  process.exit(1);
});
