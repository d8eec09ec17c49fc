// Preloaded into n8n by bench/e2eN8n.mjs (BENCH_GC=1): records every garbage collection of the main thread's heap
// (start as wall-clock ms, duration, kind) and writes them to BENCH_GC_FILE when the process exits, so the bench can
// tell how much of a node's execution time was the collector's. --trace-gc is not allowed in NODE_OPTIONS.
const { PerformanceObserver, constants, performance } = require('node:perf_hooks');
const { writeFileSync } = require('node:fs');

const KINDS = { [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major', [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks' };
const entries = [];
new PerformanceObserver((list) => {
	for (const entry of list.getEntries()) entries.push({ at: performance.timeOrigin + entry.startTime, ms: entry.duration, kind: KINDS[entry.detail?.kind] ?? String(entry.detail?.kind) });
}).observe({ entryTypes: ['gc'] });
process.on('exit', () => {
	if (process.env.BENCH_GC_FILE) writeFileSync(`${process.env.BENCH_GC_FILE}.${process.pid}`, JSON.stringify(entries));
});
