// Preloaded into n8n by bench/e2eN8n.mjs (`--require`; --trace-gc is not allowed in NODE_OPTIONS). Records every
// pause of the main thread's garbage collector (start as wall-clock ms, duration, kind) and, every 5 ms the event
// loop allows, the CPU time used so far by the main thread and by the whole process (GC helpers, compiler threads,
// libuv's pool). Written to BENCH_PROBE_FILE.<pid> when the process exits, so the bench can tell of a node's time
// how much was the collector's pauses, how much the main thread computed, and what the process's other threads did
// meanwhile.
const { PerformanceObserver, constants, performance } = require('node:perf_hooks');
const { writeFileSync } = require('node:fs');

const KINDS = { [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major', [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks' };
const collections = [];
const cpu = [];
new PerformanceObserver((list) => {
	for (const entry of list.getEntries()) collections.push({ at: performance.timeOrigin + entry.startTime, ms: entry.duration, kind: KINDS[entry.detail?.kind] ?? String(entry.detail?.kind) });
}).observe({ entryTypes: ['gc'] });
const sample = () => {
	const all = process.cpuUsage();
	const main = process.threadCpuUsage();
	cpu.push({ at: Date.now(), processMs: (all.user + all.system) / 1000, mainMs: (main.user + main.system) / 1000 });
};
setInterval(sample, 5).unref();
process.on('exit', () => {
	sample();
	if (process.env.BENCH_PROBE_FILE) writeFileSync(`${process.env.BENCH_PROBE_FILE}.${process.pid}`, JSON.stringify({ collections, cpu }));
});
