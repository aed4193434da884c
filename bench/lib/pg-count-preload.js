// Preloaded into a service (NODE_OPTIONS=--require …) by bench/plan-import.ts, metrics-drain.ts and metrics-rebuild.ts: counts the statements
// the service sends to PostgreSQL (every pg Client#query, pooled or not). Each SIGWINCH, and the
// exit, writes { "signals": n, "statements": count, "kinds": … } to $BENCH_PG_COUNT. Plain JavaScript because the services run compiled.
'use strict';
const fs = require('node:fs');

const target = process.env.BENCH_PG_COUNT;
if (target) {
  const { Client } = require('pg');
  const query = Client.prototype.query;
  let statements = 0;
  let signals = 0;
  // Statements by their first words, to say which ones a change removed.
  const kinds = new Map();
  // And the time each kind took, from sending to the answer (ms): what a batch waits for the database.
  const kindsMs = new Map();
  Client.prototype.query = function countedQuery(...args) {
    statements += 1;
    const text = typeof args[0] === 'string' ? args[0] : (args[0] && args[0].text) || '';
    const kind = text.replace(/\s+/g, ' ').trim().slice(0, 70);
    kinds.set(kind, (kinds.get(kind) || 0) + 1);
    const started = process.hrtime.bigint();
    const result = query.apply(this, args);
    if (result && typeof result.then === 'function')
      result.then(
        () => kindsMs.set(kind, (kindsMs.get(kind) || 0) + Number(process.hrtime.bigint() - started) / 1e6),
        () => undefined,
      );
    return result;
  };
  fs.writeFileSync(`${target}.pid`, String(process.pid));
  // With the process's own CPU so far (user and system, microseconds): under load, the figure a profile's busy time is not.
  const write = () =>
    fs.writeFileSync(
      target,
      JSON.stringify({
        signals,
        statements,
        kinds: Object.fromEntries(kinds),
        kindsMs: Object.fromEntries([...kindsMs].map(([kind, ms]) => [kind, Math.round(ms * 10) / 10])),
        cpuMicros: process.cpuUsage(),
      }),
    );
  process.on('SIGWINCH', () => {
    signals += 1;
    write();
  });
  // A command that ends by itself (the rebuild) leaves its whole count.
  process.on('exit', write);
}
