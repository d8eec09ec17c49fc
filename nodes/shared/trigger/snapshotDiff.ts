// What changed between the snapshot a trigger kept (row key → marker: a status, an update time) and the rows
// listed now. The next snapshot holds the rows listed now, so a row that left the list is forgotten.

export type Snapshot = Record<string, string>;

export interface SnapshotKeys<Row> {
	keyOf(row: Row): string;
	markerOf(row: Row): string;
	/** The key the row had in an older snapshot layout, looked up when its key is not there. */
	olderKeyOf?(row: Row): string;
	/** Whether a marker seen before means the same as the marker now (default: equal). */
	same?(previous: string | undefined, now: string): boolean;
}

export interface SnapshotChange<Row> {
	row: Row;
	key: string;
	/** The marker the row was seen with; undefined for a new row. */
	previous: string | undefined;
}

export interface SnapshotDiff<Row> {
	/** New rows and rows whose marker changed, in list order. */
	changed: Array<SnapshotChange<Row>>;
	/** The snapshot to keep: every listed row. */
	next: Snapshot;
}

export function diffSnapshot<Row>(previous: Snapshot | undefined, rows: Row[], keys: SnapshotKeys<Row>): SnapshotDiff<Row> {
	const seen = previous ?? {};
	const same = keys.same ?? ((before: string | undefined, now: string) => before === now);
	const changed: Array<SnapshotChange<Row>> = [];
	const next: Snapshot = {};
	for (const row of rows) {
		const key = keys.keyOf(row);
		const marker = keys.markerOf(row);
		const before = seen[key] ?? (keys.olderKeyOf ? seen[keys.olderKeyOf(row)] : undefined);
		if (same(before, marker)) {
			// keeps the marker it was seen with: a marker that only changed its spelling repeats nothing
			next[key] = before as string;
		} else {
			changed.push({ row, key, previous: before });
			next[key] = marker;
		}
	}
	return { changed, next };
}

/** Leaves a change out of the next snapshot, so the next poll finds it changed again, with the same previous. */
export function keepUnseen(next: Snapshot, change: SnapshotChange<unknown>): void {
	if (change.previous === undefined) delete next[change.key];
	else next[change.key] = change.previous;
}
