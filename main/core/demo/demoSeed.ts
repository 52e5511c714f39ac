import { localDate } from '../../../shared/schedule/visitSchedule';
import { randomBytes } from 'node:crypto';
import { ROLES, ROLE_IS_BLINDED, type Role } from '../../../shared/roles';
import { StudyConfig } from '../../../shared/study/studyConfig';
import nsDupiJson from '../../../studies/ns-dupi.json';
import { hashPassword } from '../auth/passwords';
import { demoKitCsv, demoRandomizationCsv } from './demoLists';
import { isoUtc, type TravellingClock } from '../clock';
import { DEMO_HISTORY_DAYS, liveDemoHistory, type DemoLoggerFile } from './demoHistory';
import type { VeilCoreInternals } from '../veilCore';
import { planSecondStudy, type SecondStudyResult } from './demoSecondStudy';

/** The embedded reference study, validated like any study file. */
export const NS_DUPI: StudyConfig = StudyConfig.parse(nsDupiJson);

/** The demo site (the NS-DUPI coordinating centre's clinical-trial pharmacy). */
export const DEMO_SITE_NAME = 'CHU de Toulouse, Hôpital Larrey: clinical-trial pharmacy';

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
  study_nurse: { username: 'nurse', displayName: 'Noémie Garnier (study nurse)' },
};

/** A password that is easy to read aloud from the terminal and still random: four groups of four letters. */
function demoPassword(): string {
  const letters = 'abcdefghjkmnpqrstuvwxyz';
  const bytes = randomBytes(16);
  const chars = [...bytes].map((b) => letters[b % letters.length]);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

export interface DemoResult {
  users: DemoUser[];
  codeBreakPassphrase: string;
  lists: { randomization: string; kits: string };
  /** The temperature loggers' exports the history imported (none without the history). */
  loggerFiles: DemoLoggerFile[];
  /** The second study (BRAVE-AA2), when the demo has it: its code, code-break passphrase and lists. */
  secondStudy: SecondStudyResult | null;
}

/**
 * Seeds an empty database with the NS-DUPI study and one user per role, each with a password of their own (printed
 * for the demo; never a temporary one, so nobody has to change it), then does what the pharmacist does at study
 * set-up, through the same channels the screens use: creates the allocation key, imports the sponsor-style lists
 * (also returned as CSV text so they can be written out), and grants the unblinded monitor access.
 * Refuses a database that already has users, so a real site's file is never touched by demo data.
 */
export async function seedDemo(core: VeilCoreInternals, clock: TravellingClock, options: { history?: boolean; secondStudy?: boolean } = {}): Promise<DemoResult> {
  // The second study lives in the history's calendar (its patients come back after four weeks).
  if (options.secondStudy && !options.history) throw new Error('The demo\'s second study needs the history.');
  if ((await core.repositories.users.count()) > 0) {
    throw new Error('This database already has users; the demo needs a new database file.');
  }
  // With history, the study starts 131 days ago: set-up and list import come first on the timeline, as at a site.
  const present = clock.now();
  if (options.history) clock.travelTo(new Date(present.getTime() - (DEMO_HISTORY_DAYS + 1) * 86_400_000));
  const users: DemoUser[] = [];
  const hashed: Array<DemoUser & { displayName: string; passwordHash: string }> = [];
  for (const role of ROLES) {
    const password = demoPassword();
    const person = DEMO_PEOPLE[role];
    const user = { username: person.username, password, role, blinded: ROLE_IS_BLINDED[role] };
    users.push(user);
    hashed.push({ ...user, displayName: person.displayName, passwordHash: await hashPassword(password) });
  }
  const now = isoUtc(clock.now());
  await core.store.transaction(async () => {
    const studyId = await core.repositories.study.save(NS_DUPI, now);
    // The site's name, as the first start asks it of a real site (reports and certificates print it).
    await core.repositories.settings.setSite(DEMO_SITE_NAME);
    await core.audit.append(
      { userId: null, username: 'system' },
      { action: 'settings.site_changed', entityType: 'settings', entityId: 'site', before: { name: null }, after: { name: DEMO_SITE_NAME }, reason: 'Demo study seeding', source: 'system' },
    );
    for (const u of hashed) {
      const userId = await core.repositories.users.insert({ username: u.username, displayName: u.displayName, role: u.role, passwordHash: u.passwordHash, mustChangePassword: false, createdAt: now });
      await core.audit.append(
        { userId: null, username: 'system' },
        { action: 'user.created', entityType: 'user', entityId: u.username, after: { displayName: u.displayName, role: u.role }, reason: 'Demo study seeding', source: 'system' },
      );
      // Every study role is delegated to the demo study from its first day; the administrator's is the site's.
      if (u.role === 'administrator') continue;
      const startsOn = localDate(clock.now());
      await core.repositories.delegations.insert({ userId, studyId, role: u.role, startsOn, endsOn: null, grantedAt: now, grantedBy: null, signatureId: null, reason: 'Demo study seeding' });
      await core.audit.append(
        { userId: null, username: 'system' },
        { action: 'delegation.granted', entityType: 'user', entityId: u.username, after: { role: u.role, startsOn, endsOn: null }, reason: 'Demo study seeding', source: 'system', study: NS_DUPI.code },
      );
    }
  });
  // The study set up and the site named: the core reads them from memory from now on.
  await core.site.reload();
  const pharmacist = users.find((u) => u.role === 'unblinded_pharmacist')!;
  const window = 'demo-set-up';
  const call = async (channel: string, input: unknown, inWindow = window) => {
    const result = await core.dispatch(inWindow, channel, input);
    if (!result.ok) throw new Error(`demo set-up: ${channel}: ${result.error.message}`);
    return result.value;
  };
  await call('session.login', { username: pharmacist.username, password: pharmacist.password });
  const signature = { username: pharmacist.username, password: pharmacist.password };
  const { codeBreakPassphrase } = (await call('allocation.setUpKey', { signature })) as { codeBreakPassphrase: string };
  const randomization = demoRandomizationCsv(NS_DUPI);
  const kits = demoKitCsv(NS_DUPI);
  await call('allocation.importList', { kind: 'randomization', fileName: 'NS-DUPI_randomization_list.csv', contentBase64: Buffer.from(randomization, 'utf8').toString('base64'), signature: { password: pharmacist.password } });
  await call('allocation.importList', { kind: 'kits', fileName: 'NS-DUPI_kit_list.csv', contentBase64: Buffer.from(kits, 'utf8').toString('base64'), signature: { password: pharmacist.password } });
  // The unblinded monitor's key pair is made at their first login, under their own password (never a temporary one,
  // DESIGN.md section 3 invariant 6); only then can the pharmacist grant access.
  const monitorDemo = users.find((u) => u.role === 'unblinded_monitor')!;
  await call('session.login', { username: monitorDemo.username, password: monitorDemo.password }, 'demo-unblinded-monitor');
  await call('session.logout', {}, 'demo-unblinded-monitor');
  const unblindedMonitor = (await core.repositories.users.byUsername(DEMO_PEOPLE.unblinded_monitor.username))!;
  await call('allocation.grantAccess', { userId: unblindedMonitor.id, reason: 'Pharmacy monitoring for the demo study', signature: { password: pharmacist.password } });
  await call('session.logout', {});
  const second = options.secondStudy ? planSecondStudy(core, users, present) : null;
  const loggerFiles = options.history ? (await liveDemoHistory(core, clock, users, present, second?.steps ?? [])).loggerFiles : [];
  clock.backToPresent();
  return { users, codeBreakPassphrase, lists: { randomization, kits }, loggerFiles, secondStudy: second?.result ?? null };
}
