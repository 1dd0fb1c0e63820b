import { z } from 'zod';
import { contractVersion } from './envelope';
import { MessageType, type PlatformMessage, PlatformMessage as PlatformMessageSchema } from './messages';

/** Why a message body was rejected. */
export const RejectionReason = {
  notJson: 'NOT_JSON',
  unknownVersion: 'UNKNOWN_VERSION',
  unknownType: 'UNKNOWN_TYPE',
  invalidShape: 'INVALID_SHAPE',
  unexpectedType: 'UNEXPECTED_TYPE',
  tooLarge: 'TOO_LARGE',
} as const;
export type RejectionReason = (typeof RejectionReason)[keyof typeof RejectionReason];

/** The outcome of parsing a body: a message, or a readable reason it is not one. */
export type ParseResult<T> =
  | { ok: true; message: T }
  | { ok: false; reason: RejectionReason; detail: string };

/** SNS and SQS cap a message at 256 KiB; anything larger cannot have come from the platform. */
export const maxBodyBytes = 256 * 1024;

/**
 * Parses and validates a raw message body. Never throws: a bad body is a value the caller decides about.
 * With `expected`, a valid message of another type is rejected too.
 */
export function parseMessage<T extends PlatformMessage['type']>(
  body: string,
  expected?: readonly T[],
): ParseResult<Extract<PlatformMessage, { type: T }>> {
  if (Buffer.byteLength(body, 'utf8') > maxBodyBytes) {
    return {
      ok: false,
      reason: RejectionReason.tooLarge,
      detail: `body is larger than ${maxBodyBytes} bytes`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return {
      ok: false,
      reason: RejectionReason.notJson,
      detail: `body is not JSON: ${(error as Error).message}`,
    };
  }
  const head = z.object({ type: z.string(), version: z.unknown() }).safeParse(json);
  if (!head.success) {
    return { ok: false, reason: RejectionReason.invalidShape, detail: 'body has no string `type` field' };
  }
  const knownTypes: readonly string[] = Object.values(MessageType);
  if (!knownTypes.includes(head.data.type)) {
    return {
      ok: false,
      reason: RejectionReason.unknownType,
      detail: `unknown message type "${head.data.type}"`,
    };
  }
  if (head.data.version !== contractVersion) {
    return {
      ok: false,
      reason: RejectionReason.unknownVersion,
      detail: `message version ${JSON.stringify(head.data.version)} is not ${contractVersion}`,
    };
  }
  if (expected && !expected.includes(head.data.type as T)) {
    return {
      ok: false,
      reason: RejectionReason.unexpectedType,
      detail: `expected ${expected.join(' or ')}, got ${head.data.type}`,
    };
  }
  const parsed = PlatformMessageSchema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, reason: RejectionReason.invalidShape, detail: z.prettifyError(parsed.error) };
  }
  return { ok: true, message: parsed.data as Extract<PlatformMessage, { type: T }> };
}
