import { readdirSync, readFileSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DeployVariable } from '../../../infra/settings';

// The parser imports its schema as JSON without an import attribute, which Node's loader refuses on its own.
register(new URL('./json-import-hook.mjs', import.meta.url));
const { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } = await import(
  '@actions/workflow-parser'
);

// GitHub's own workflow parser (the one behind the Actions language service) validates each file against the
// workflow schema, expressions included; `yaml` reads them for the structural checks below.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const folder = `${root}.github/workflows/`;
const files = readdirSync(folder).filter((name) => /\.ya?ml$/.test(name));

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  if?: string;
  needs?: string | string[];
  uses?: string;
  with?: Record<string, unknown>;
  permissions?: Record<string, string>;
  environment?: string;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, Record<string, unknown> | null>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

/** tools/coverage.mjs: what `npm test` measures and enforces. */
type CoverageGate = typeof import('../../../tools/coverage.mjs');

/** A GitHub Actions expression as it is written in a workflow: `${{ … }}`. */
const expression = (inner: string) => `\${{ ${inner} }}`;

const text = (file: string) => readFileSync(`${folder}${file}`, 'utf8');
const workflow = (file: string) => parse(text(file)) as Workflow;

async function errorsOf(name: string, content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((error) => error.message);
  if (errors.length > 0 || parsed.value === undefined) return errors;
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  return (template.errors ?? []).map((error) => error.Message);
}

/** The install command of the README's "Set up, run, test", which CI must run verbatim. */
/** The README's command that starts with `start` (`npm test`), as a shell step would run it. */
function readmeCommand(start: string): string {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const line = readme.split('\n').find((entry) => entry.startsWith(`${start} `) && entry.includes('#'));
  return line!.replace(/#.*$/, '').trim();
}

describe('the GitHub Actions workflows', () => {
  it('are the four expected files', () => {
    expect(files.sort()).toEqual(['ci.yml', 'deploy.yml', 'preview.yml', 'sst.yml']);
  });

  it.each(files)('%s is a valid workflow by GitHub’s own parser', async (file) => {
    expect(await errorsOf(file, text(file))).toEqual([]);
  });

  it('the validator does catch a broken workflow: an unknown key and a malformed expression', async () => {
    const broken = text('ci.yml')
      .replace('runs-on:', 'runs_on:')
      .replace(expression("github.event_name == 'pull_request'"), expression('github.event_name =='));

    const errors = await errorsOf('ci.yml', broken);

    expect(errors.some((error) => error.includes("Unexpected value 'runs_on'"))).toBe(true);
    expect(errors.some((error) => error.includes('Unexpected end of expression'))).toBe(true);
  });

  it('ci runs the README’s test command, which installs, lints, typechecks and tests, on pull requests and main', () => {
    const ci = workflow('ci.yml');
    const runs = (ci.jobs.check?.steps ?? []).map((step) => step.run).filter(Boolean);

    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push', 'workflow_call']);
    expect(ci.on.push).toEqual({ branches: ['main'] });
    expect(runs).toEqual([readmeCommand('npm test')]);
  });

  it('ci enforces coverage: its test step is a full `npm test`, which measures it and fails under 90 % of lines', async () => {
    const ci = workflow('ci.yml');
    const runs = (ci.jobs.check?.steps ?? []).map((step) => step.run).filter(Boolean);
    const scripts = (
      JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    const gate: CoverageGate = await import(`${root}tools/coverage.mjs`);
    const { config } = await import(`${root}vitest.config.ts`);

    expect(runs).toEqual(['npm test']);
    expect(scripts.test).toBe('node tools/test.mjs');
    expect(gate.vitestArguments([])).toContain('--coverage.enabled=true');
    expect(gate.lineThreshold).toBeGreaterThanOrEqual(90);
    expect(config.test?.coverage).toMatchObject({
      provider: 'v8',
      thresholds: { lines: gate.lineThreshold },
    });
  });

  it('ci audits the production dependencies for high and critical advisories, with the pnpm the project pins', () => {
    const ci = workflow('ci.yml');
    const pnpm = (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { packageManager: string })
      .packageManager;
    const runs = (ci.jobs.audit?.steps ?? []).map((step) => step.run).filter(Boolean);

    expect(runs).toEqual([`npx --yes ${pnpm} audit --prod --audit-level high`]);
  });

  it('deploy sends main to staging and a v* tag or a manual dispatch of main to the production environment, after ci', () => {
    const deploy = workflow('deploy.yml');

    expect(deploy.on).toEqual({ push: { branches: ['main'], tags: ['v*'] }, workflow_dispatch: null });
    expect(deploy.jobs.check?.uses).toBe('./.github/workflows/ci.yml');
    expect(deploy.jobs.staging).toMatchObject({
      if: "github.event_name == 'push' && github.ref == 'refs/heads/main'",
      needs: 'check',
      uses: './.github/workflows/sst.yml',
      with: { stage: 'staging', command: 'deploy', environment: 'staging' },
    });
    expect(deploy.jobs.production).toMatchObject({
      if: "(github.event_name == 'workflow_dispatch' && github.ref == 'refs/heads/main') || startsWith(github.ref, 'refs/tags/v')",
      needs: 'check',
      uses: './.github/workflows/sst.yml',
      with: { stage: 'production', command: 'deploy', environment: 'production' },
    });
  });

  it('preview deploys pr-<number> while a pull request is open and removes it when it closes', () => {
    const preview = workflow('preview.yml');
    const stage = `pr-${expression('github.event.pull_request.number')}`;

    expect(preview.on).toEqual({ pull_request: { types: ['opened', 'synchronize', 'reopened', 'closed'] } });
    expect(preview.jobs.deploy).toMatchObject({ with: { stage, command: 'deploy', environment: 'preview' } });
    expect(preview.jobs.deploy?.if).toMatch(/^github\.event\.action != 'closed'/);
    expect(preview.jobs.remove).toMatchObject({ with: { stage, command: 'remove', environment: 'preview' } });
    expect(preview.jobs.remove?.if).toMatch(/^github\.event\.action == 'closed'/);
  });

  it('runs sst with the stage’s environment and AWS credentials from OIDC role assumption', () => {
    const sst = workflow('sst.yml');
    const job = sst.jobs.sst!;
    const steps = job.steps ?? [];
    const credentials = steps.find((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));

    expect(job.environment).toBe(expression('inputs.environment'));
    expect(sst.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(credentials?.with).toMatchObject({ 'role-to-assume': expression('vars.AWS_DEPLOY_ROLE_ARN') });
    expect(steps.map((step) => step.run)).toContain('sst "$COMMAND" --stage "$STAGE"');
    expect(steps.map((step) => step.run)).toContain('npm run setup');
  });

  it('passes every setting sst deploy reads from the GitHub environment’s variable of the same name', () => {
    const env = (workflow('sst.yml').jobs.sst as Job & { env?: Record<string, string> }).env ?? {};

    for (const variable of Object.values(DeployVariable)) {
      expect(env[variable], variable).toBe(expression(`vars.${variable}`));
    }
  });

  it('lets every job that calls sst request an OIDC token, and no workflow hold long-lived AWS keys', () => {
    for (const file of files) {
      const content = text(file);
      expect(content).not.toMatch(
        /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|aws-access-key-id|aws-secret-access-key/,
      );
      for (const job of Object.values(workflow(file).jobs)) {
        if (job.uses === './.github/workflows/sst.yml') {
          expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
        }
      }
    }
  });
});
