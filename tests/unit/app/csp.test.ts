import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./fakeElectron')).fakeElectronModule());

import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../../../main/app/csp';

function directives(policy: string): Map<string, string> {
  return new Map(
    policy.split(';').map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name!, values.join(' ')];
    }),
  );
}

describe('Content-Security-Policy', () => {
  const csp = directives(CONTENT_SECURITY_POLICY);

  it.each([
    ['default-src', "'self'"],
    ['script-src', "'self'"],
    ['style-src', "'self' 'unsafe-inline'"],
    ['img-src', "'self' data: blob:"],
    ['connect-src', "'self'"],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['frame-ancestors', "'none'"],
    ['form-action', "'none'"],
  ])('%s is %s', (name, value) => {
    expect(csp.get(name)).toBe(value);
  });

  it('allows no script evaluation, inline script or remote origin anywhere', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|wasm-unsafe-eval|unsafe-hashes|strict-dynamic/);
    expect(csp.get('script-src')).not.toContain('unsafe-inline');
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|\*|ws:|wss:|file:/);
  });

  it('is sent as a header with nosniff', () => {
    expect(SECURITY_HEADERS['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(SECURITY_HEADERS['X-Content-Type-Options']).toBe('nosniff');
  });
});

describe('the <meta> copy in index.html', () => {
  it('the renderer build writes the header policy, less frame-ancestors (ignored in <meta>), as the first tag of <head>', async () => {
    const { default: config } = await import('../../../renderer/vite.config.ts');
    const plugin = (config.plugins ?? []).flat().find((p) => p && typeof p === 'object' && 'name' in p && p.name === 'veil-csp-meta') as
      | { apply: string; transformIndexHtml: () => Array<{ tag: string; attrs: Record<string, string>; injectTo: string }> }
      | undefined;
    expect(plugin?.apply).toBe('build');
    const [tag, ...others] = plugin!.transformIndexHtml();
    expect(others).toEqual([]);
    expect(tag).toMatchObject({ tag: 'meta', injectTo: 'head-prepend', attrs: { 'http-equiv': 'Content-Security-Policy' } });
    const meta = directives(tag!.attrs.content!);
    const header = directives(CONTENT_SECURITY_POLICY);
    header.delete('frame-ancestors');
    expect(meta).toEqual(header);
    expect(meta.get('script-src')).toBe("'self'");
  });
});
