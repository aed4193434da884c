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
  // Statements by their first words, to say which ones a change removed.
  const kinds = new Map();
  Client.prototype.query = function countedQuery(...args) {
    statements += 1;
    const text = typeof args[0] === 'string' ? args[0] : (args[0] && args[0].text) || '';
    const kind = text.replace(/\s+/g, ' ').trim().slice(0, 70);
    kinds.set(kind, (kinds.get(kind) || 0) + 1);
    return query.apply(this, args);
  };
  fs.writeFileSync(`${target}.pid`, String(process.pid));
  process.on('SIGWINCH', () => {
    signals += 1;
    fs.writeFileSync(target, JSON.stringify({ signals, statements, kinds: Object.fromEntries(kinds) }));
  });
}
