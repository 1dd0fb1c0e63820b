import type { DateText, TimestampText } from './types';

const day = 86_400_000;

/** The simulated history, as UTC epoch milliseconds: when reference rows appeared and the span orders cover. */
export const totesysTimeline = {
  /** address, currency, department, payment_type and the first designs. */
  referenceCreatedAt: Date.UTC(2022, 10, 3, 14, 20, 49, 412),
  /** staff and counterparty, loaded just after the reference rows. */
  peopleCreatedAt: Date.UTC(2022, 10, 3, 14, 20, 51, 207),
  /** The first order. */
  ordersStart: Date.UTC(2022, 10, 3, 14, 20, 52, 0),
  /** No order is created, nor any payment settled, after this instant. */
  ordersEnd: Date.UTC(2024, 10, 15, 14, 40, 0, 0),
  dayMs: day,
} as const;

/** `'YYYY-MM-DD HH:MM:SS.mmm'` for UTC epoch milliseconds (the text form of `timestamp(3)`). */
export function formatTimestamp(epochMs: number): TimestampText {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

/** `'YYYY-MM-DD'` of the UTC day holding the instant. */
export function formatDate(epochMs: number): DateText {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/**
 * The instant of item `index` of `count` spread evenly over [start, end): one slot each, jittered inside its slot
 * by `jitter` in [0, 1). Non-decreasing in `index`, so ids and creation times grow together.
 */
export function slotInstant(
  index: number,
  count: number,
  jitter: number,
  start: number,
  end: number,
): number {
  return start + Math.floor(((index + jitter) * (end - start)) / count);
}
