import { describe, expect, it } from 'vitest';
import { InfraError } from '../errors';
import { deploy } from '../index';
import { stagePlan } from '../stage';

// These fail before anything is declared, so they need neither SST nor its mocks.
describe('a deploy refused before anything changes', () => {
  const env = { TOTES_SOURCE_LOCATION: 'postgres://totesys.internal:5432/totesys' };

  it('refuses a stage name the platform cannot use', () => {
    expect(() => deploy({ stage: 'Alice.Smith', env })).toThrow(InfraError);
    expect(() => deploy({ stage: 'a-stage-name-long-enough-to-overflow', env })).toThrow(/stage/);
  });

  it('refuses a stage whose warehouse schema would be another stage’s state schema', () => {
    expect(stagePlan('pr-1').stateSchema).toBe('totes_pr_1_state');

    expect(() => stagePlan('pr-1-state')).toThrow(/may not end in "-state".*stage "pr-1"/);
  });

  it('refuses to deploy without the source location, or with credentials in it', () => {
    expect(() => deploy({ stage: 'pr-42', env: {} })).toThrow(
      /TOTES_SOURCE_LOCATION is not set: .* or none for a stage fed by its inbox alone/,
    );
    expect(() =>
      deploy({
        stage: 'pr-42',
        env: { TOTES_SOURCE_LOCATION: 'postgres://reader:secret@totesys.internal:5432/totesys' },
      }),
    ).toThrow(/without credentials/);
  });

  it('refuses a malformed inbox writer, on an inbox-only stage as on any other', () => {
    expect(() =>
      deploy({ stage: 'pr-42', env: { TOTES_SOURCE_LOCATION: 'none', TOTES_INBOX_WRITERS: 'sales-team' } }),
    ).toThrow(/TOTES_INBOX_WRITERS holds "sales-team"/);
  });
});
