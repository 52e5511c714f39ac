/**
 * One workstation of a PostgreSQL pharmacy, as its own process (tests/integration/workstations.test.ts): it opens
 * the core on the shared database, logs in, says "ready", waits for "go" on stdin so that every workstation starts
 * at the same moment, runs its calls one after the other, and prints each answer as one JSON line, then "done".
 *
 * argv[2]: JSON { database, dataFolder, username, password, calls: [{ channel, input }], listen? }. A call's input may
 * say "$password" where the user's password goes (signatures). With `listen`, the workstation is an open screen
 * instead: from "ready" on it prints every event pushed to its windows as one JSON line { event, payload, at } (at:
 * Date.now() when it arrived), and it ends on "stop" (tests/integration/workstationNotices.test.ts).
 */
import { createInterface } from 'node:readline';
import { streamLogger } from '../../main/core/log';
import { openVeilCoreInternals } from '../../main/core/veilCore';

interface Job {
  database: string;
  dataFolder: string;
  username: string;
  password: string;
  calls: Array<{ channel: string; input: unknown }>;
  listen?: boolean;
}

const job = JSON.parse(process.argv[2]!) as Job;
const withPassword = (value: unknown): unknown =>
  value === '$password' ? job.password : Array.isArray(value) ? value.map(withPassword) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withPassword(v)])) : value;

const core = await openVeilCoreInternals({ database: job.database, dataFolder: job.dataFolder, mode: 'browser', idleSweepMs: 0, logger: streamLogger((line) => process.stderr.write(line)) });
const window = `workstation-${process.pid}`;
const login = await core.dispatch(window, 'session.login', { username: job.username, password: job.password });
if (!login.ok) throw new Error(`login: ${login.error.message}`);
if (job.listen) core.onEvent((_window, event, payload) => process.stdout.write(JSON.stringify({ event, payload, at: Date.now() }) + '\n'));
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
const until = job.listen ? 'stop' : 'go';
for await (const line of lines) if (line.trim() === until) break;
for (const call of job.calls) {
  const answer = await core.dispatch(window, call.channel, withPassword(call.input));
  process.stdout.write(JSON.stringify(answer.ok ? { ok: true, value: answer.value } : { ok: false, error: { code: answer.error.code, message: answer.error.message, key: answer.error.key } }) + '\n');
}
process.stdout.write('done\n');
core.close();
// The pool's sockets close on their own; nothing else keeps the process.
process.exit(0);
