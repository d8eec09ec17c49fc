// The clock that adaptive polling and its activity markers read, in one place so tests can move it.
export const clock = { now: (): number => Date.now() };
