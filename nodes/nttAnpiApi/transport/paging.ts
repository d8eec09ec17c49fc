// Reading a list page by page (offset/limit), one anpiRequest per page.
import type { IDataObject } from 'n8n-workflow';

import type { AnpiContext } from './connection';
import type { AnpiCall } from './request';
import { anpiRequest } from './request';

/**
 * Walks offset/limit pages until `wanted` rows were seen or the API has no more. Each page is handed to
 * `onPage` and then dropped, so memory grows with what the caller keeps, not with the pages. A page that
 * cannot be read (deadline included) fails the whole walk: a partial list is never passed on.
 */
export async function forEachPage(
	this: AnpiContext,
	request: (offset: number, limit: number) => AnpiCall,
	listKey: string,
	pageMax: number,
	wanted: number,
	onPage: (rows: IDataObject[], answer: IDataObject) => void,
): Promise<void> {
	let offset = 0;
	let seen = 0;
	const progress = { pages: 0, rows: 0 };
	while (seen < wanted) {
		const limit = Math.min(pageMax, wanted - seen);
		const answer = await anpiRequest.call(this, { ...request(offset, limit), progress });
		const rows = (Array.isArray(answer[listKey]) ? answer[listKey] : []) as IDataObject[];
		progress.pages++;
		progress.rows += rows.length;
		const kept = rows.slice(0, wanted - seen);
		onPage(kept, answer);
		seen += kept.length;
		const total = Number(answer.searchTotal);
		const next = Number(answer.nextOffset);
		if (rows.length === 0 || (Number.isFinite(total) && offset + rows.length >= total)) break;
		offset = Number.isFinite(next) && next > offset ? next : offset + rows.length;
	}
}
