import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	outagePlan: 'register' | 'validate' | 'compare' | 'get' | 'getMany';
	submission: 'getMany' | 'getErrorDetails';
	callQuota: 'get' | 'set';
};

export type OcctoOutagePlanType = AllEntities<NodeMap>;
