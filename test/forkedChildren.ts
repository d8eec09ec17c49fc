// Runs jobs in separate OS processes (forked child scripts speaking over the IPC channel), started together,
// for the tests that race processes on one store. Protocol: parent → job, child → { ready: true } or
// { error }; parent → 'go', child → its result, or { error }.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

function nextMessage<T>(child: ChildProcess): Promise<T> {
	return new Promise((resolve, reject) => {
		const onExit = (code: number | null) => reject(new Error(`child process exited (${code}) before answering`));
		child.once('exit', onExit);
		child.once('message', (message) => {
			child.off('exit', onExit);
			resolve(message as T);
		});
	});
}

/** Starts one OS process per job, lets them all get ready, then starts them together. */
export async function runInProcesses<Job, Result extends { error?: string }>(script: string, jobs: Job[]): Promise<Result[]> {
	const children = jobs.map(() => fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
	try {
		const ready = children.map((child) => nextMessage<{ ready?: boolean; error?: string }>(child));
		children.forEach((child, i) => child.send(jobs[i] as object));
		for (const answer of await Promise.all(ready)) {
			if (answer.error) throw new Error(answer.error);
		}
		const done = children.map((child) => nextMessage<Result>(child));
		for (const child of children) child.send('go');
		const results = await Promise.all(done);
		for (const result of results) if (result.error) throw new Error(result.error);
		return results;
	} finally {
		for (const child of children) if (child.exitCode === null) child.kill();
	}
}
