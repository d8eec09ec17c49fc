// Texts shown to users that may echo what they sent: secrets removed, long answers cut to one line.
/** Removes every given secret from a text (error excerpts, server messages) before anyone sees it. */
export function redact(text: string, secrets: Array<string | undefined>): string {
	let result = text;
	for (const secret of secrets) {
		if (secret && secret.length >= 3) result = result.split(secret).join('[redacted]');
	}
	return result;
}

/** A short, single-line excerpt of a server's answer for error messages (HTML tags stripped). */
export function excerpt(text: string, max = 200): string {
	const plain = text
		.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ')
		.replace(/<[^>]+>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return plain.length > max ? `${plain.slice(0, max)}…` : plain;
}
