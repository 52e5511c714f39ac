import { randomBytes } from 'node:crypto';
import { ROLES, ROLE_IS_BLINDED, type Role } from '../../../shared/roles';
import { StudyConfig } from '../../../shared/study/studyConfig';
import nsDupiJson from '../../../studies/ns-dupi.json';
import { hashPassword } from '../auth/passwords';
import { isoUtc, type Clock } from '../clock';
import type { VeilCore } from '../veilCore';

/** The embedded reference study, validated like any study file. */
export const NS_DUPI: StudyConfig = StudyConfig.parse(nsDupiJson);

export interface DemoUser {
  username: string;
  password: string;
  role: Role;
  blinded: boolean;
}

const DEMO_PEOPLE: Record<Role, { username: string; displayName: string }> = {
  unblinded_pharmacist: { username: 'pharmacist', displayName: 'Paula Lefèvre (pharmacist)' },
  pharmacy_technician: { username: 'technician', displayName: 'Tomas Roux (technician)' },
  investigator: { username: 'investigator', displayName: 'Dr Inès Moreau (investigator)' },
  monitor: { username: 'monitor', displayName: 'Marc Dubois (monitor)' },
  unblinded_monitor: { username: 'unblinded.monitor', displayName: 'Ulla Berg (unblinded monitor)' },
  administrator: { username: 'admin', displayName: 'Alex Martin (administrator)' },
};

/** A password that is easy to read aloud from the terminal and still random: four groups of four letters. */
function demoPassword(): string {
  const letters = 'abcdefghjkmnpqrstuvwxyz';
  const bytes = randomBytes(16);
  const chars = [...bytes].map((b) => letters[b % letters.length]);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

/**
 * Seeds an empty database with the NS-DUPI study and one user per role. Refuses a database that already has users,
 * so a real site's file is never touched by demo data.
 */
export async function seedDemo(core: VeilCore, clock: Clock): Promise<{ users: DemoUser[] }> {
  if (core.repositories.users.count() > 0) {
    throw new Error('This database already has users; the demo needs a new database file.');
  }
  const users: DemoUser[] = [];
  const hashed: Array<DemoUser & { displayName: string; passwordHash: string }> = [];
  for (const role of ROLES) {
    const password = demoPassword();
    const person = DEMO_PEOPLE[role];
    const user = { username: person.username, password, role, blinded: ROLE_IS_BLINDED[role] };
    users.push(user);
    hashed.push({ ...user, displayName: person.displayName, passwordHash: await hashPassword(password) });
  }
  core.db.transaction(() => {
    const now = isoUtc(clock.now());
    core.repositories.study.save(NS_DUPI, now);
    for (const u of hashed) {
      core.repositories.users.insert({ username: u.username, displayName: u.displayName, role: u.role, passwordHash: u.passwordHash, mustChangePassword: false, createdAt: now });
    }
  })();
  return { users };
}
