import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { jstMinute } from '../../../shared/japanTime';
import { ANPI_PATHS, LIMITS } from '../../../nttAnpiApi';
import { writeOnceOptions } from '../../../shared/writeOnce';
import { optionsCollection } from './fields';
import { checkLength, readDate } from './parameters';
import { anpiWriteOperation } from './writeOperation';

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

const properties: INodeProperties[] = [
	{
		displayName:
			'Each round is created once: the whole batch is checked before the first call, and a round with the same title, text and options created with this credential in the last 24 hours (Remember Sends For) is not created again — Retry On Fail and re-runs return its thread ID (repeatOf). If the outcome of a create is unknown, check Get Many; "Send Even If Sent Before" creates it once more.',
		name: 'createNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Title',
		name: 'title',
		type: 'string',
		default: '',
		required: true,
		placeholder: '地震発生 安否確認',
		description: `Subject of the safety confirmation (表題), up to ${LIMITS.title} characters`,
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		placeholder: '地震が発生しました。安全を確保したのちに回答してください。',
		description: `Message sent to people (本文), up to ${LIMITS.text} characters`,
	},
	{
		displayName: 'Start Date',
		name: 'startDate',
		type: 'dateTime',
		default: '',
		description: 'When answers start to be counted (集計開始日時). Empty means now. Sent as YYYYMMDDHHMI in Japan time.',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Auto-Complete Date',
				name: 'autoCompleteDate',
				type: 'dateTime',
				default: '',
				description: 'Close the round automatically at this time (自動終了予定年月日)',
			},
			{
				displayName: 'Closing Notice Addresses',
				name: 'closingAddresses',
				type: 'string',
				default: '',
				placeholder: 'soumu@example.co.jp, bcp@example.co.jp',
				description: `Up to ${LIMITS.closingAddresses} e-mail addresses for the closing notice (終了案内メールアドレス), separated with commas`,
			},
			{
				displayName: 'Closing Notice Date',
				name: 'closingNoticeDate',
				type: 'dateTime',
				default: '',
				description: 'When the closing-notice mail is sent (終了案内メール発信日時)',
			},
			{
				displayName: 'Collect Location',
				name: 'collectLocation',
				type: 'boolean',
				default: true,
				description: 'Whether to collect the location of people who answer (位置情報区分; only if your tenant enables location)',
			},
			{
				displayName: 'Drill',
				name: 'drill',
				type: 'boolean',
				default: false,
				description: 'Whether this is a drill (訓練) rather than a real event (本番)',
			},
		],
	},
	optionsCollection(writeOnceOptions('window', { write: 'a round', done: 'created', check: 'look for it in Get Many' })),
];

export const description = updateDisplayOptions({ show: { resource: ['safetyConfirmation'], operation: ['create'] } }, properties);

async function build(this: IExecuteFunctions, itemIndex: number) {
	const title = String(this.getNodeParameter('title', itemIndex, '')).trim();
	const text = String(this.getNodeParameter('text', itemIndex, '')).trim();
	if (!title) throw new NodeOperationError(this.getNode(), '"Title" is empty', { itemIndex, description: 'Give the round a subject, e.g. 地震発生 安否確認.' });
	if (!text) throw new NodeOperationError(this.getNode(), '"Text" is empty', { itemIndex, description: 'Write the message people receive.' });
	checkLength.call(this, title, 'Title', LIMITS.title, itemIndex);
	checkLength.call(this, text, 'Text', LIMITS.text, itemIndex);
	const fields = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const startDate = readDate.call(this, this.getNodeParameter('startDate', itemIndex, ''), 'Start Date', itemIndex);
	const body: IDataObject = { title, text, strdate: startDate ?? jstMinute(new Date()) };
	const closing = readDate.call(this, fields.closingNoticeDate, 'Closing Notice Date', itemIndex);
	if (closing) body.endpldate = closing;
	const addresses = String(fields.closingAddresses ?? '')
		.split(/[,\n]/)
		.map((a) => a.trim())
		.filter(Boolean);
	if (addresses.length > LIMITS.closingAddresses) {
		throw new NodeOperationError(this.getNode(), `"Closing Notice Addresses" has ${addresses.length} addresses; the API allows ${LIMITS.closingAddresses}`, {
			itemIndex,
			description: `Keep at most ${LIMITS.closingAddresses} addresses.`,
		});
	}
	for (const address of addresses) {
		checkLength.call(this, address, 'Closing Notice Addresses', LIMITS.address, itemIndex);
		if (!EMAIL.test(address)) {
			throw new NodeOperationError(this.getNode(), `"${address}" in "Closing Notice Addresses" is not an e-mail address`, {
				itemIndex,
				description: 'Write addresses like name@example.co.jp, separated with commas.',
			});
		}
	}
	if (addresses.length) body.endmailList = addresses.map((endmail) => ({ endmail }));
	if (fields.collectLocation !== undefined) body.geolocationgetflg = fields.collectLocation ? '1' : '0';
	const autoComplete = readDate.call(this, fields.autoCompleteDate, 'Auto-Complete Date', itemIndex);
	if (autoComplete) body.atendpldate = autoComplete;
	if (fields.drill !== undefined) body.trngflg = fields.drill ? '1' : '0';

	// an empty Start Date means "now": left out of what identifies the round, so a re-run matches
	return { call: { operation: 'create' as const, method: 'POST' as const, path: ANPI_PATHS.create, body }, content: { ...body, strdate: startDate } };
}

export const write = anpiWriteOperation({
	scope: 'window',
	words: { what: 'the safety confirmation round', done: 'created', check: 'Get Many lists a round with this title' },
	build,
	outcome: (answer, call) => ({ tid: answer.tid, resultCount: answer.resultCount, title: call.body?.title, strdate: call.body?.strdate }),
	reference: (outcome) => `thread ID ${String(outcome.tid)}`,
});
