/** Replaces the password of every connection URL in a text, so that logs and errors never carry one. */
export function redactSecrets(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:)([^@\s]+)@/gi, '$1***@');
}
