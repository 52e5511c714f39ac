/**
 * node:test reporter used inside the VM: one JSON line per finished test (name, pass/fail, duration, error), written
 * to the run folder the host reads back. Suites (describe blocks) are reported with kind "suite" and not counted.
 */
export default async function* jsonReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data;
    const error = d.details?.error;
    yield JSON.stringify({
      name: d.name,
      nesting: d.nesting,
      kind: d.details?.type === 'suite' ? 'suite' : 'test',
      ok: event.type === 'test:pass',
      skipped: Boolean(d.skip || d.todo),
      ms: Math.round(d.details?.duration_ms ?? 0),
      error: error ? String(error.cause?.message ?? error.message ?? error).slice(0, 2000) : undefined,
    }) + '\n';
  }
}
