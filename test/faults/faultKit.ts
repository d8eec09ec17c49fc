// What every fault-suite file shares: the figures it reports (faults injected, events lost, duplicates),
// everything it produced (outputs, errors, n8n log lines, console lines) for the secret scan, and the
// partial summary it writes to .test-results/faults/<file>.json for scripts/faults.mjs.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { LoggerProxy } from 'n8n-workflow';

import type { OcctoSimulator, OcctoSimulatorOptions } from '../../simulators/occto/server';
import { startOcctoSimulator } from '../../simulators/occto/server';
import type { FaultProxy } from './faultProxy';
import { startFaultProxy } from './faultProxy';
import { setCallsUsed } from '../occtoRunner';
import { coreLogger } from '../support/logger';

export interface CaseFigures {
	faults?: number;
	expected?: number;
	emitted?: number;
	lost?: number;
	duplicates?: number;
	/** wall-clock milliseconds, measured and reported, never asserted */
	ms?: number;
	[key: string]: unknown;
}

/** Per n8n line: jest.line1.config.js (n8n 1.x packages) writes beside the default (2.x) run, for one table of both. */
export const RESULTS_DIR = path.resolve(__dirname, `../../.test-results/faults${process.env.N8N_TEST_LINE === '1' ? '-line1' : ''}`);

/** JSON of anything (errors included: message, description, stack), cycles cut. */
export function serialise(value: unknown): string {
	const seen = new WeakSet<object>();
	return JSON.stringify(value, (_key, item: unknown) => {
		if (item instanceof Error) {
			const error = item as Error & { description?: unknown; context?: unknown; cause?: unknown };
			return { name: error.name, message: error.message, description: error.description, stack: error.stack, context: error.context, cause: error.cause };
		}
		if (typeof item === 'object' && item !== null) {
			if (seen.has(item)) return '[cycle]';
			seen.add(item);
		}
		if (typeof item === 'bigint') return String(item);
		return item;
	});
}

export class FaultSuite {
	private readonly texts: string[] = [];
	private readonly secrets = new Map<string, string>();
	private readonly restores: Array<() => void> = [];
	readonly cases: Record<string, CaseFigures> = {};
	/** logger levels that could not be wrapped */
	readonly uncaptured: string[] = [];

	constructor(readonly file: string) {}

	/** Keeps anything the suite produced for the secret scan. */
	see(...values: unknown[]): void {
		for (const value of values) this.texts.push(typeof value === 'string' ? value : serialise(value));
	}

	figure(name: string, figures: CaseFigures): void {
		this.cases[name] = { ...this.cases[name], ...figures };
	}

	/** A secret to look for; long ones (PEM, PKCS#12) are also looked for in 48-character pieces. */
	secret(label: string, value: string | undefined): void {
		if (!value || value.length < 4) return;
		this.secrets.set(label, value);
		const body = value.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
		if (body.length > 200) {
			for (let offset = 0, n = 0; offset + 48 <= body.length && n < 6; offset += Math.floor(body.length / 6), n++) {
				this.secrets.set(`${label} (piece ${n + 1})`, body.slice(offset, offset + 48));
			}
		}
	}

	/** Records every n8n log line (core Logger and LoggerProxy) and console line from now on. */
	captureLogs(): void {
		const logger = coreLogger();
		const targets: Array<[object, string]> = [];
		for (const level of ['error', 'warn', 'info', 'debug', 'verbose'] as const) {
			targets.push([logger, level], [LoggerProxy, level]);
		}
		for (const level of ['log', 'warn', 'error', 'info', 'debug'] as const) targets.push([console, level]);
		for (const [target, method] of targets) {
			const holder = target as Record<string, unknown>;
			const original = holder[method];
			if (typeof original !== 'function') continue;
			const wrapped = (...args: unknown[]) => {
				this.see(args);
				return (original as (...a: unknown[]) => unknown).apply(target, args);
			};
			const own = Object.getOwnPropertyDescriptor(target, method);
			try {
				Object.defineProperty(target, method, { value: wrapped, writable: true, configurable: true });
			} catch {
				this.uncaptured.push(method); // a frozen logger level: its lines are not scanned
				continue;
			}
			this.restores.push(() => {
				if (own) Object.defineProperty(target, method, own);
				else delete holder[method];
			});
		}
	}

	/** Labels of the secrets found in anything seen (never the secrets themselves). */
	scan(): { found: string[]; checked: number; bytes: number } {
		const all = this.texts.join('\n');
		const found = [...this.secrets].filter(([, value]) => all.includes(value)).map(([label]) => label);
		return { found, checked: this.secrets.size, bytes: all.length };
	}

	/** Restores the loggers and writes this file's partial summary. */
	finish(): { found: string[] } {
		for (const restore of this.restores.splice(0)) restore();
		const scan = this.scan();
		const sum = (key: keyof CaseFigures) => Object.values(this.cases).reduce((total, c) => total + (Number(c[key]) || 0), 0);
		mkdirSync(RESULTS_DIR, { recursive: true });
		writeFileSync(
			path.join(RESULTS_DIR, `${this.file}.json`),
			JSON.stringify(
				{
					file: this.file,
					faultsInjected: sum('faults'),
					eventsLost: sum('lost'),
					duplicates: sum('duplicates'),
					secretsFound: scan.found.length,
					secretsFoundLabels: scan.found,
					secretsChecked: scan.checked,
					logLevelsNotCaptured: this.uncaptured,
					bytesScanned: scan.bytes,
					cases: this.cases,
				},
				null,
				'\t',
			),
		);
		return scan;
	}
}

/** Peak RSS and heap while `work` runs (sampled every 10 ms), above what was in use before it. */
export async function peakMemory<T>(work: () => Promise<T>): Promise<{ result: T; peakRssMb: number; peakHeapMb: number }> {
	const before = process.memoryUsage();
	let rss = before.rss;
	let heap = before.heapUsed;
	const timer = setInterval(() => {
		const now = process.memoryUsage();
		rss = Math.max(rss, now.rss);
		heap = Math.max(heap, now.heapUsed);
	}, 10);
	try {
		const result = await work();
		return { result, peakRssMb: Math.round((rss - before.rss) / 2 ** 20), peakHeapMb: Math.round((heap - before.heapUsed) / 2 ** 20) };
	} finally {
		clearInterval(timer);
	}
}

/**
 * The OCCTO simulator behind a fault proxy that terminates mutual TLS (so faults can cut at exact HTTP points),
 * with the simulator's secrets registered for the suite's scan.
 */
export async function occtoBehindProxy(suite: FaultSuite, options: OcctoSimulatorOptions, extraSecrets: Record<string, string> = {}) {
	const sim: OcctoSimulator = await startOcctoSimulator(options);
	const proxy: FaultProxy = await startFaultProxy({
		targetPort: Number(new URL(sim.url).port),
		tls: {
			server: { cert: sim.certs.serverCertPem, key: sim.certs.serverKeyPem, ca: sim.certs.caPem },
			upstream: { ca: sim.certs.caPem, pfx: Buffer.from(sim.certs.clientP12Base64, 'base64'), passphrase: sim.certs.p12Passphrase },
		},
	});
	const secrets = {
		'OCCTO password': 'sim-password-1',
		'PKCS#12 passphrase': sim.certs.p12Passphrase,
		'PKCS#12 Base64': sim.certs.clientP12Base64,
		'PEM private key': sim.certs.clientKeyPem,
		...extraSecrets,
	};
	for (const [label, value] of Object.entries(secrets)) suite.secret(label, value);
	return { sim, proxy };
}

/**
 * In a test file: the simulator behind its fault proxy for all the file's tests, handed over when started; before
 * each test the proxy's faults are cleared and `userId`'s call counts (simulator and ledger) start from 0.
 */
export function useOcctoBehindProxy(
	suite: FaultSuite,
	options: OcctoSimulatorOptions,
	userId: string,
	started: (pair: { sim: OcctoSimulator; proxy: FaultProxy }) => void,
): void {
	let pair: { sim: OcctoSimulator; proxy: FaultProxy } | undefined;
	beforeAll(async () => {
		pair = await occtoBehindProxy(suite, options);
		started(pair);
	});
	afterAll(async () => {
		await pair?.proxy.close();
		await pair?.sim.close();
	});
	beforeEach(async () => {
		pair?.proxy.clear();
		pair?.sim.setCallCount(userId, 0);
		await setCallsUsed(userId, 0);
	});
}
