// The NTT Anpi Sandbox: a credential with Environment "Sandbox" hands each call to the responder in this
// folder instead of the network, token included. The answer comes back as the gateway's JSON with its status,
// so retries, paging, deadlines and errors run as in production. Rounds are kept in the package's shared store
// (a file in the n8n user folder, or n8n's Redis in queue mode), so every process of one instance agrees.
import { clock } from '../../shared/clock';
import { StoredBook } from '../../shared/sandbox/book';
import { openSharedStore } from '../../shared/state';
import type { RawResponse } from '../transport/answer';
import type { AnpiBookState, AnpiResponder } from './responder';
import { createAnpiResponder, initialAnpiBook } from './responder';

const SANDBOX_CLIENT = { clientId: 'sandbox', clientSecret: 'sandbox' };
/** How long a send or a completion takes before Get Status shows it. */
const SANDBOX_DELAY_MS = 5_000;

let accessToken: string | undefined;

async function sandboxResponder(): Promise<AnpiResponder> {
	const store = await openSharedStore({ mode: 'automatic' }, process.env, { folder: 'ntt-sandbox' });
	const book = new StoredBook<AnpiBookState>(store.state, 'ntt-sandbox:book', () => initialAnpiBook({ seedOpenRound: false, now: clock.now() }));
	return createAnpiResponder(book, {
		clients: { [SANDBOX_CLIENT.clientId]: SANDBOX_CLIENT.clientSecret },
		asyncDelayMs: SANDBOX_DELAY_MS,
		answersArrive: true,
		clock: () => clock.now(),
	});
}

export interface SandboxCall {
	method: string;
	path: string;
	body?: object;
	qs?: object;
}

/** One call answered in process, token included, as the gateway would answer it. Opens no socket. */
export async function answerFromAnpiSandbox(call: SandboxCall): Promise<RawResponse> {
	const responder = await sandboxResponder();
	if (!accessToken || !(await responder.authorized(`Bearer ${accessToken}`))) {
		const token = await responder.token({ grantType: 'client_credentials', ...SANDBOX_CLIENT });
		accessToken = (token.body as { accessToken?: string } | undefined)?.accessToken;
	}
	const query = new URLSearchParams(Object.entries(call.qs ?? {}).map(([name, value]): [string, string] => [name, String(value)]));
	const route = call.path.replace(/\/+$/, '') + '/';
	const reply = responder.knows(call.method, route)
		? await responder.call({ method: call.method, route, query, body: (call.body ?? {}) as Record<string, unknown> })
		: { status: 404, body: undefined };
	return { statusCode: reply.status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: reply.body ?? '' };
}
