// Outage-plan XML builders shared by the simulator, node and trigger tests.
export interface PlanOverrides {
	senderCode?: string | null;
	recipientCode?: string | null;
	targetDate?: string | null;
	planDivision?: string;
	facility?: string;
}

export function validPlanXml(overrides: PlanOverrides = {}): string {
	const field = (tag: string, value: string | null | undefined, fallback: string) =>
		value === null ? '' : `<${tag}>${value ?? fallback}</${tag}>`;
	return `<?xml version="1.0" encoding="UTF-8"?>
<SBD-MSG>
  <JPMGRP>
    <JPMGH><JPC03>3A</JPC03><JPC11>3AS1</JPC11><JPC21>TEST0001</JPC21></JPMGH>
    <JPTRM>
      <JP00002>0001</JP00002>
      ${field('JP06110', overrides.senderCode, 'S0001')}
      <JP06111>試験電力株式会社</JP06111>
      ${field('JP06358', overrides.recipientCode, 'OCCTO')}
      ${field('JP06116', overrides.targetDate, '20261201')}
      <PLAN_DIVISION>${overrides.planDivision ?? '1'}</PLAN_DIVISION>
      <OUTAGE_ITEM><FACILITY_NM>${overrides.facility ?? '○○発電所1号機'}</FACILITY_NM><STR_DATE>20261201</STR_DATE><END_DATE>20261205</END_DATE></OUTAGE_ITEM>
    </JPTRM>
  </JPMGRP>
</SBD-MSG>`;
}

/** Well-formed, accepted for processing, then 提出エラー: the sender code (JP06110) is missing. */
export function badPlanXml(): string {
	return validPlanXml({ senderCode: null });
}
