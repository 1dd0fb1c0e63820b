import { createHash } from 'node:crypto';
import { z } from 'zod';

/** The version of the message contracts this code speaks. A message of another version is rejected. */
export const contractVersion = 1;

/** Names that the platform generates: lowercase words joined by underscores, never free text. */
export const Identifier = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z][a-z0-9_]*$/, 'must be a lowercase identifier (letters, digits, underscores)');
export type Identifier = z.infer<typeof Identifier>;

/** A source timestamp at millisecond precision, without a zone: `YYYY-MM-DDTHH:MM:SS.mmm`. */
export const SourceTimestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/, 'must look like 2024-11-15T09:30:00.123');
export type SourceTimestamp = z.infer<typeof SourceTimestamp>;

/** The fields every message carries, whatever its type. */
export const envelopeFields = {
  /** Unique per message; consumers use it for idempotency. */
  id: z.uuid(),
  version: z.literal(contractVersion),
  occurredAt: z.iso.datetime(),
  /** One detection cycle: every message it causes carries the same runId. */
  runId: z.uuid(),
  /** The id of the message that caused this one; null for the first of a run. */
  causationId: z.uuid().nullable(),
} as const;

/** The envelope of a new message: a fresh id and time, the run it belongs to and the message that caused it. */
export function newEnvelope(cause: { runId: string; causationId: string | null }) {
  return {
    id: crypto.randomUUID(),
    version: contractVersion,
    occurredAt: new Date().toISOString(),
    runId: cause.runId,
    causationId: cause.causationId,
  } as const;
}

/** The envelope of a message caused by `parent`: same run, caused by the parent's id. */
export function causedBy(parent: { id: string; runId: string }) {
  return newEnvelope({ runId: parent.runId, causationId: parent.id });
}

/**
 * A UUID that is the same every time for the same name (v5-style, from SHA-1). A retried step that names its
 * output after its input produces the same message id, so consumers see a retry as the same message.
 */
export function uuidFor(name: string): string {
  const hash = createHash('sha1').update(`totes:${name}`).digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The envelope of the one message that `parent` causes under `name`: retries give the same id. */
export function derivedFrom(parent: { id: string; runId: string }, name: string) {
  return { ...causedBy(parent), id: uuidFor(`${name}:${parent.id}`) };
}
