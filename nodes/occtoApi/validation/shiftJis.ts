// Which characters Shift_JIS (as OCCTO's systems read it: CP932) cannot hold, and where they are.
import * as iconv from 'iconv-lite';

export interface UnencodableCharacter {
	character: string;
	/** String offset, 1-based line and column (in characters, as an editor counts them). */
	offset: number;
	line: number;
	column: number;
	/** A CP932 character that looks the same, where there is a well-known one. */
	suggestion?: string;
}

// Unicode characters that other Japanese encodings map to CP932's look-alikes (the WAVE DASH problem):
// what to type instead so the plan reads the same after encoding.
const LOOK_ALIKES: Record<string, string> = {
	'\u301C': '\uFF5E', // 〜 WAVE DASH → ～
	'\u2212': '\uFF0D', // − MINUS SIGN → －
	'\u2014': '\u2015', // — EM DASH → ―
	'\u2016': '\u2225', // ‖ → ∥
	'\u00A2': '\uFFE0', // ¢ → ￠
	'\u00A3': '\uFFE1', // £ → ￡
	'\u00AC': '\uFFE2', // ¬ → ￢
	'\u00A5': '\uFFE5', // ¥ → ￥
	'\u00A0': ' ', // no-break space → space
	'\u9DD7': '\u9D0E', // 鷗 → 鴎
	'\u{20BB7}': '\u5409', // 𠮷 → 吉
	'\u{2000B}': '\u53F1', // 𠀋 → 叱
};

const cache = new Map<string, number>();

/**
 * Bytes the character takes in CP932, 0 when CP932 lacks it: it must come back unchanged (iconv writes `?`
 * for what it lacks).
 */
export function shiftJisBytes(character: string): number {
	let known = cache.get(character);
	if (known === undefined) {
		const bytes = iconv.encode(character, 'cp932');
		known = iconv.decode(bytes, 'cp932') === character ? bytes.length : 0;
		if (cache.size < 10000) cache.set(character, known);
	}
	return known;
}

/**
 * Every character of the text that Shift_JIS (CP932) cannot hold, with its place (places are kept for the
 * first `limit` finds, all are counted), and the text's size in Shift_JIS, in the same single pass.
 */
export function findUnencodable(
	text: string,
	limit = Number.MAX_SAFE_INTEGER,
): { found: UnencodableCharacter[]; count: number; bytes: number } {
	const found: UnencodableCharacter[] = [];
	let count = 0;
	let bytes = 0;
	let line = 1;
	let lineStart = 0;
	let column = 1; // characters since lineStart, counted lazily for non-ASCII only
	let columnAt = 0;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code < 0x80) {
			bytes++;
			if (code === 0x0a || (code === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) {
				line++;
				lineStart = i + 1;
				column = 1;
				columnAt = lineStart;
			}
			continue;
		}
		const wide = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length;
		const character = wide ? text.slice(i, i + 2) : text[i];
		const size = shiftJisBytes(character);
		bytes += size || 1; // iconv would write `?`
		if (!size) {
			count++;
			if (found.length < limit) {
				column += countCharacters(text, columnAt, i);
				columnAt = i;
				found.push({ character, offset: i, line, column, suggestion: LOOK_ALIKES[character] });
			}
		}
		if (wide) i++;
	}
	return { found, count, bytes };
}

/** Characters (code points, so an emoji counts once) between two string offsets. */
function countCharacters(text: string, from: number, to: number): number {
	let count = 0;
	for (let i = from; i < to; i++) {
		const code = text.charCodeAt(i);
		if (code < 0xdc00 || code > 0xdfff) count++; // a surrogate pair is one character
	}
	return count;
}

/** U+301C style name for messages: the character itself can be invisible (no-break space). */
export function codePointName(character: string): string {
	return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}
