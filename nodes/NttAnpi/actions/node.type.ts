import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	safetyConfirmation: 'create' | 'getMany' | 'getStatus' | 'send' | 'complete';
};

export type NttAnpiType = AllEntities<NodeMap>;
