// What a failure says once a plan was sent: OCCTO may have registered it, so the user must look before
// registering again, and adaptive triggers must follow it as if it had succeeded.
import type { OcctoApiId } from '../mapping';
import { OCCTO_APIS } from '../mapping';

/** The words every such failure carries (the fault suite checks for them). */
export const MAY_HAVE_REGISTERED =
	'The plan may have been registered: run Submission → Get Many (作業停止計画受付ファイル一覧取得, BA13B006) and check whether it is listed before registering it again. Nothing was retried, and a re-run will not send this plan again unless "Send Even If Sent Before" is on.';

export const submits = (apiId: OcctoApiId) => OCCTO_APIS[apiId].submits === true;

/** Marks an error raised after a submission was sent: it may hide a success (the write memory keeps it "unknown"). */
export { maybeSent as maybeSubmitted, mayHaveBeenSent as mayHaveSubmitted } from '../../shared/writeOnce';
