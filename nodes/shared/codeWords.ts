// n8n replaces a node error whose message names a system error code (ECONNREFUSED, EACCES, …) with a generic
// text that drops where and why: messages carry the code in words instead.
const CODE_WORDS: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection reset',
	ETIMEDOUT: 'timed out',
	ENOTFOUND: 'host not found',
	EHOSTUNREACH: 'host unreachable',
	EAI_AGAIN: 'name lookup failed',
	EACCES: 'permission denied',
	EPERM: 'not permitted',
	EROFS: 'read-only file system',
	ENOSPC: 'no space left on the device',
	ENOENT: 'no such file or folder',
	ENOTDIR: 'a file is in the way of a folder',
	EEXIST: 'already exists',
};

/** The message with every error code in words; `unknown` for a code not listed. */
export function codesInWords(message: string, unknown: string): string {
	return message.replace(/\bE[A-Z_]{4,}\b/g, (code) => CODE_WORDS[code] ?? unknown);
}
