/**
 * One workstation of a PostgreSQL pharmacy, as its own process (tests/integration/workstations.test.ts): it opens
 * the core on the shared database, logs in, says "ready", waits for "go" on stdin so that every workstation starts
 * at the same moment, runs its calls one after the other, and prints each answer as one JSON line, then "done".
 *
 * argv[2]: JSON { database, dataFolder, username, password, calls: [{ channel, input }] }. A call's input may say
 * "$password" where the user's password goes (signatures).
 */
import { createInterface } from 'node:readline';
import { openVeilCore } from '../../main/core/veilCore';

interface Job {
  database: string;
  dataFolder: string;
  username: string;
  password: string;
  calls: Array<{ channel: string; input: unknown }>;
}

const job = JSON.parse(process.argv[2]!) as Job;
const withPassword = (value: unknown): unknown =>
  value === '$password' ? job.password : Array.isArray(value) ? value.map(withPassword) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withPassword(v)])) : value;

const core = await openVeilCore({ database: job.database, dataFolder: job.dataFolder, mode: 'browser', idleSweepMs: 0 });
const window = `workstation-${process.pid}`;
const login = await core.dispatch(window, 'session.login', { username: job.username, password: job.password });
if (!login.ok) throw new Error(`login: ${login.error.message}`);
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line.trim() === 'go') break;
for (const call of job.calls) {
  const answer = await core.dispatch(window, call.channel, withPassword(call.input));
  process.stdout.write(JSON.stringify(answer.ok ? { ok: true, value: answer.value } : { ok: false, error: { code: answer.error.code, message: answer.error.message, key: answer.error.key } }) + '\n');
}
process.stdout.write('done\n');
core.close();
// The pool's sockets close on their own; nothing else keeps the process.
process.exit(0);
