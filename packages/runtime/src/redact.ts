/**
 * Replaces the password of every connection URL (up to its last `@`, as pg reads it) and of every `password=`
 * setting in a text, so that logs and errors never carry one.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:)([^\s"']*)@/gi, '$1***@')
    .replace(/(\bpassword\s*=\s*)("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s'"]+)/gi, '$1***');
}
