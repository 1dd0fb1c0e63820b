// A Node module hook: @actions/workflow-parser imports its JSON schema without `with { type: 'json' }`, which
// Node's ESM loader refuses; this adds the attribute. Registered by workflows.test.ts only.
export async function load(url, context, nextLoad) {
  if (url.endsWith('.json') && context.importAttributes?.type === undefined) {
    return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } });
  }
  return nextLoad(url, context);
}
