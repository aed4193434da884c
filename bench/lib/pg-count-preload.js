// Preloaded into a service (NODE_OPTIONS=--require …) by bench/plan-import.ts: counts the statements
// the service sends to PostgreSQL (every pg Client#query, pooled or not). Each SIGWINCH writes
// { "signals": n, "statements": count } to $BENCH_PG_COUNT. Plain JavaScript because the services run compiled.
'use strict';
const fs = require('node:fs');

const target = process.env.BENCH_PG_COUNT;
if (target) {
  const { Client } = require('pg');
  const query = Client.prototype.query;
  let statements = 0;
  let signals = 0;
  Client.prototype.query = function countedQuery(...args) {
    statements += 1;
    return query.apply(this, args);
  };
  fs.writeFileSync(`${target}.pid`, String(process.pid));
  process.on('SIGWINCH', () => {
    signals += 1;
    fs.writeFileSync(target, JSON.stringify({ signals, statements }));
  });
}
