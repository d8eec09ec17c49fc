// saxen ships no types; the bench uses only these (https://github.com/nikku/saxen#supported-hooks).
declare module 'saxen' {
	export class Parser {
		on(event: string, handler: (...args: never[]) => unknown): void;
		parse(xml: string): void;
	}
}
