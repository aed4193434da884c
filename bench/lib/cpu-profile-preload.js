// Preloaded into a service (NODE_OPTIONS=--require …) by bench/hot-path-profile.ts: the first
// SIGWINCH (a signal Nest's shutdown hooks leave alone, unlike SIGUSR2) starts V8's sampling profiler, the second stops it and writes the profile to
// $BENCH_CPU_PROFILE. Plain JavaScript because the services run compiled.
'use strict';
const inspector = require('node:inspector');
const fs = require('node:fs');

const target = process.env.BENCH_CPU_PROFILE;
if (target) {
  const session = new inspector.Session();
  session.connect();
  let running = false;
  fs.writeFileSync(`${target}.pid`, String(process.pid));
  process.on('SIGWINCH', () => {
    if (!running) {
      running = true;
      session.post('Profiler.enable', () =>
        session.post('Profiler.setSamplingInterval', { interval: 500 }, () => session.post('Profiler.start')),
      );
      return;
    }
    running = false;
    session.post('Profiler.stop', (error, result) => {
      fs.writeFileSync(target, error ? JSON.stringify({ error: String(error) }) : JSON.stringify(result.profile));
    });
  });
}
