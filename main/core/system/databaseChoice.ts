import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { DatabaseChoice } from '../../../shared/contract/system';
import { databaseLocation, type DatabaseLocation } from '../db/location';
import { parsePostgresUrl } from '../db/postgres';

/**
 * Which database this desktop workstation opens (issue 13, item 4): its own SQLite file (a single bench) or the
 * pharmacy's PostgreSQL server (several workstations). The choice is the workstation's, not the records': it says
 * where the records are, so it cannot be kept in them. It lives in a small file in the desktop's user data folder
 * (`database.json`), written by the administrator's screen and read at the next start. VEIL_DATABASE_URL, when set,
 * wins over the file (IT may deploy workstations that way), and the screen says so.
 *
 * The file may hold the server's password inside the address: it is written readable by the workstation's account
 * only (0600), and no answer of the core ever carries the password back (describePostgresUrl).
 */
export const DATABASE_CHOICE_FILE = 'database.json';

const ChoiceFile = z.object({ version: z.literal(1), choice: DatabaseChoice });

/** The saved choice, or null when there is none; a file that does not read as one is a fault told plainly. */
export function readDatabaseChoice(file: string): DatabaseChoice | null {
  if (!existsSync(file)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new Error(`The workstation's database setting ${file} is not readable JSON. Delete it to start on this workstation's own file, then choose the server again as the administrator.`);
  }
  const read = ChoiceFile.safeParse(parsed);
  if (!read.success) throw new Error(`The workstation's database setting ${file} is not one Veil wrote. Delete it to start on this workstation's own file, then choose the server again as the administrator.`);
  return read.data.choice;
}

/** Writes the choice whole or not at all (a new file renamed over the old one), readable by this account only. */
export function saveDatabaseChoice(file: string, choice: DatabaseChoice): void {
  if (choice.engine === 'postgres') parsePostgresUrl(choice.url);
  const next = `${file}.new`;
  writeFileSync(next, JSON.stringify({ version: 1, choice }, null, 2) + '\n', { mode: 0o600 });
  renameSync(next, file);
}

/** Where the desktop opens its records: VEIL_DATABASE_URL, else the saved choice, else the workstation's own file. */
export function desktopDatabase(input: { ownFile: string; choiceFile: string; env?: NodeJS.ProcessEnv }): { location: DatabaseLocation; caFile: string | null; from: 'environment' | 'setting' | 'default' } {
  const fromEnvironment = databaseLocation({}, input.env ?? process.env);
  if (fromEnvironment) return { location: fromEnvironment, caFile: null, from: 'environment' };
  const saved = readDatabaseChoice(input.choiceFile);
  if (saved?.engine === 'postgres') return { location: { engine: 'postgres', url: parsePostgresUrl(saved.url) }, caFile: saved.caFile, from: 'setting' };
  return { location: { engine: 'sqlite', file: input.ownFile }, caFile: null, from: saved ? 'setting' : 'default' };
}
