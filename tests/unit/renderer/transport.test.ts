import { describe, expect, it } from 'vitest';
import { tokenFromHash } from '../../../renderer/src/transport/launchToken';
import { ServerSentEventParser } from '../../../renderer/src/transport/sse';

function parse(chunks: string[]) {
  const events: Array<[string, string]> = [];
  const parser = new ServerSentEventParser((event, data) => events.push([event, data]));
  for (const chunk of chunks) parser.push(chunk);
  return events;
}

describe('server-sent events read over fetch', () => {
  it('parses named events, skips comments (keep-alive) and joins data lines', () => {
    expect(parse([': connected\n\n', 'event: session.changed\ndata: {"state":"logged_out"}\n\n', 'data: a\ndata: b\n\n'])).toEqual([
      ['session.changed', '{"state":"logged_out"}'],
      ['message', 'a\nb'],
    ]);
  });

  it('handles events split anywhere across chunks, and CRLF line ends', () => {
    const text = 'event: session.changed\r\ndata: {"x":1}\r\n\r\n';
    for (let cut = 1; cut < text.length; cut++) {
      expect(parse([text.slice(0, cut), text.slice(cut)]), `cut at ${cut}`).toEqual([['session.changed', '{"x":1}']]);
    }
  });
});

describe('the launch token in the address', () => {
  it('is read from #token=', () => {
    expect(tokenFromHash('#token=AbC_d-0123456789xyzXYZ')).toBe('AbC_d-0123456789xyzXYZ');
  });
  it('is ignored when absent, malformed or a page route', () => {
    expect(tokenFromHash('')).toBeNull();
    expect(tokenFromHash('#/admin')).toBeNull();
    expect(tokenFromHash('#token=short')).toBeNull();
    expect(tokenFromHash('#token=<script>alert(1)</script>')).toBeNull();
  });
});
