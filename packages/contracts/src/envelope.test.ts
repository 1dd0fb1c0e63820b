import { describe, expect, it } from 'vitest';
import {
  causedBy,
  derivedFrom,
  envelopeFields,
  Identifier,
  newEnvelope,
  SourceTimestamp,
  uuidFor,
} from './envelope';

describe('Identifier', () => {
  it.each(['staff', 'sales_order', 'dim_payment_type', 'a1', 'x'.repeat(63)])('accepts %s', (name) => {
    expect(Identifier.safeParse(name).success).toBe(true);
  });

  it.each([
    'staff; DROP TABLE x',
    'Staff',
    '1staff',
    '_staff',
    'sales-order',
    'staff ',
    '"staff"',
    '',
    'x'.repeat(64),
  ])('rejects %j', (name) => {
    expect(Identifier.safeParse(name).success).toBe(false);
  });
});

describe('SourceTimestamp', () => {
  it.each([
    ['2024-11-15T09:30:00.123', true],
    ['2024-11-15T09:30:00', false],
    ['2024-11-15 09:30:00.123', false],
    ['2024-11-15T09:30:00.123Z', false],
  ])('accepts %s: %s', (text, accepted) => {
    expect(SourceTimestamp.safeParse(text).success).toBe(accepted);
  });
});

describe('envelopes', () => {
  it('starts a run with a fresh id, version 1, the time now and no cause', () => {
    const runId = crypto.randomUUID();

    const envelope = newEnvelope({ runId, causationId: null });

    expect(envelope).toMatchObject({ version: 1, runId, causationId: null });
    expect(envelope.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(envelope.id).not.toBe(runId);
    expect(Math.abs(Date.parse(envelope.occurredAt) - Date.now())).toBeLessThan(5_000);
  });

  it('keeps the runId of the parent and sets causationId to its id', () => {
    const parent = { id: crypto.randomUUID(), runId: crypto.randomUUID() };

    const child = causedBy(parent);

    expect(child).toMatchObject({ runId: parent.runId, causationId: parent.id, version: 1 });
    expect(child.id).not.toBe(parent.id);
  });

  it('gives every message its own id', () => {
    const parent = { id: crypto.randomUUID(), runId: crypto.randomUUID() };

    expect(causedBy(parent).id).not.toBe(causedBy(parent).id);
  });
});

describe('stable ids', () => {
  it('gives the same UUID for the same name, and a different one for another name', () => {
    expect(uuidFor('extracted:a')).toBe(uuidFor('extracted:a'));
    expect(uuidFor('extracted:a')).not.toBe(uuidFor('extracted:b'));
  });

  it('makes a version-5 UUID that the envelope accepts', () => {
    const id = uuidFor('built:dim_staff:x');

    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(envelopeFields.id.safeParse(id).success).toBe(true);
  });

  it('derives the same message id from the same parent and name, caused by the parent, in its run', () => {
    const parent = { id: crypto.randomUUID(), runId: crypto.randomUUID() };

    const first = derivedFrom(parent, 'built:dim_staff');
    const retry = derivedFrom(parent, 'built:dim_staff');

    expect(retry.id).toBe(first.id);
    expect(first).toMatchObject({ runId: parent.runId, causationId: parent.id, version: 1 });
    expect(derivedFrom(parent, 'built:dim_date').id).not.toBe(first.id);
  });
});
