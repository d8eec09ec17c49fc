// The Sandbox gateway's token endpoint (OAuth client credentials, camelCase JSON as NTT's gateway takes it) and
// the check of a bearer token it issued.
import { randomBytes } from 'node:crypto';

import type { Book } from '../../shared/sandbox/book';
import type { AnpiBookState, AnpiReply, AnpiResponderOptions, Body } from './state';

export function tokenGrant(book: Book<AnpiBookState>, options: AnpiResponderOptions) {
	const lifetime = options.tokenLifetimeSeconds ?? 3599;
	const clock = options.clock ?? (() => Date.now());
	return {
		/** The token endpoint (client credentials grant, camelCase JSON as NTT's gateway takes it). */
		async token(body: Body): Promise<AnpiReply> {
			if (body.grantType !== 'client_credentials' || typeof body.clientId !== 'string') {
				return { status: 400, body: { fault: { faultstring: 'Invalid grant type or body (camelCase JSON expected)', detail: { errorcode: 'oauth.v2.InvalidRequest' } } } };
			}
			if (options.clients[body.clientId] === undefined || options.clients[body.clientId] !== body.clientSecret) {
				return { status: 401, body: { fault: { faultstring: 'Invalid client identifier', detail: { errorcode: 'oauth.v2.InvalidClientIdentifier' } } } };
			}
			const accessToken = randomBytes(24).toString('base64url');
			const issuedAt = clock();
			await book.update((state) => {
				for (const [token, issued] of Object.entries(state.tokens)) if (issued + lifetime * 1000 < issuedAt) delete state.tokens[token];
				state.tokens[accessToken] = issuedAt;
				state.tokenCalls++;
			});
			return { status: 200, body: { accessToken, tokenType: 'BearerToken', expiresIn: String(lifetime), scope: '', issuedAt: String(issuedAt) } };
		},

		/** Whether an Authorization header carries a token this gateway issued and that has not run out. */
		async authorized(authorization: string | undefined): Promise<boolean> {
			const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
			const issued = token ? (await book.read()).tokens[token] : undefined;
			return issued !== undefined && clock() < issued + lifetime * 1000;
		},
	};
}
