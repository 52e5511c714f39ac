import type { Transport } from '../../../shared/contract/client';
import { ERROR_CODES, type VeilResult } from '../../../shared/errors';
import { unreachable, unreadable } from './messages';
import { ServerSentEventParser } from './sse';


function isVeilResult(body: unknown): body is VeilResult<unknown> {
  if (typeof body !== 'object' || body === null || !('ok' in body)) return false;
  const candidate = body as { ok: unknown; error?: { code?: unknown; message?: unknown } };
  if (candidate.ok === true) return 'value' in body;
  return (
    candidate.ok === false &&
    typeof candidate.error?.message === 'string' &&
    (ERROR_CODES as readonly unknown[]).includes(candidate.error.code)
  );
}

type Listener = (payload: unknown) => void;

/**
 * Browser mode: `POST /rpc/<channel>` with a JSON body and the launch token, and one shared server-sent-event stream
 * on `GET /events` read with fetch() (EventSource cannot send the Authorization header), reconnected when it drops.
 */
export function createHttpTransport(token: string, baseUrl = ''): Transport {
  const authorization = `Bearer ${token}`;
  const listeners = new Map<string, Set<Listener>>();
  let abort: AbortController | null = null;

  function dispatch(event: string, data: string): void {
    const set = listeners.get(event);
    if (!set || set.size === 0) return;
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      return;
    }
    for (const listener of [...set]) listener(payload);
  }

  async function readStream(signal: AbortSignal): Promise<void> {
    let delayMs = 1000;
    while (!signal.aborted) {
      try {
        const response = await fetch(`${baseUrl}/events`, {
          headers: { Authorization: authorization, Accept: 'text/event-stream' },
          cache: 'no-store',
          signal,
        });
        if (response.ok && response.body) {
          delayMs = 1000;
          const parser = new ServerSentEventParser(dispatch);
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            parser.push(value);
          }
        }
      } catch {
        // Network error or aborted: retry below unless aborted.
      }
      if (signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      delayMs = Math.min(delayMs * 2, 15_000);
    }
  }

  function ensureStream(): void {
    if (abort) return;
    abort = new AbortController();
    void readStream(abort.signal);
  }

  function stopStreamWhenUnused(): void {
    const used = [...listeners.values()].some((set) => set.size > 0);
    if (!used && abort) {
      abort.abort();
      abort = null;
    }
  }

  return {
    async invoke(channel: string, input: unknown): Promise<VeilResult<unknown>> {
      let response: Response;
      try {
        response = await fetch(`${baseUrl}/rpc/${encodeURIComponent(channel)}`, {
          method: 'POST',
          headers: { Authorization: authorization, 'Content-Type': 'application/json' },
          body: JSON.stringify(input ?? {}),
          cache: 'no-store',
        });
      } catch {
        return { ok: false, error: unreachable() };
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        return { ok: false, error: unreadable() };
      }
      return isVeilResult(body) ? body : { ok: false, error: unreadable() };
    },
    on(event: string, listener: Listener): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      ensureStream();
      return () => {
        set.delete(listener);
        stopStreamWhenUnused();
      };
    },
  };
}
