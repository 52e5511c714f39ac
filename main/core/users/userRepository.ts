import type { Selectable } from 'kysely';
import type { PreparedQuery, Store } from '../db/store';
import type { UsersTable } from '../db/tables';
import type { Role } from '../../../shared/roles';

export interface UserRow {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  passwordHash: string;
  active: boolean;
  mustChangePassword: boolean;
  failedLogins: number;
  lockedUntil: string | null;
  createdAt: string;
}

function toUser(raw: Selectable<UsersTable>): UserRow {
  return {
    id: raw.id,
    username: raw.username,
    displayName: raw.display_name,
    role: raw.role as Role,
    passwordHash: raw.password_hash,
    active: raw.active === 1,
    mustChangePassword: raw.must_change_password === 1,
    failedLogins: raw.failed_logins,
    lockedUntil: raw.locked_until,
    createdAt: raw.created_at,
  };
}

/** Binary order of the text, as SQLite sorts it, whatever the PostgreSQL server's collation. */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** All SQL about user accounts, on the Store (issue 13, item 2). */
export class UserRepository {
  // Every call through the router reads its caller's account: prepared once.
  private readonly byIdQuery: PreparedQuery<[number], Selectable<UsersTable>>;

  constructor(private readonly store: Store) {
    this.byIdQuery = store.prepare((q, id: number) => q.selectFrom('users').selectAll().where('id', '=', id));
  }

  async count(): Promise<number> {
    const row = await this.store.q().selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Sorted by username (in code: text order differs between engines). */
  async list(): Promise<UserRow[]> {
    const rows = await this.store.q().selectFrom('users').selectAll().execute();
    return rows.map(toUser).sort((a, b) => byText(a.username, b.username));
  }

  async byId(id: number): Promise<UserRow | undefined> {
    const [raw] = await this.byIdQuery.run(id);
    return raw && toUser(raw);
  }

  async byUsername(username: string): Promise<UserRow | undefined> {
    const raw = await this.store.q().selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return raw && toUser(raw);
  }

  async insert(user: { username: string; displayName: string; role: Role; passwordHash: string; mustChangePassword: boolean; createdAt: string }): Promise<number> {
    const row = await this.store
      .q()
      .insertInto('users')
      .values({
        username: user.username,
        display_name: user.displayName,
        role: user.role,
        password_hash: user.passwordHash,
        must_change_password: user.mustChangePassword ? 1 : 0,
        created_at: user.createdAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async setActive(id: number, active: boolean): Promise<void> {
    await this.store.q().updateTable('users').set({ active: active ? 1 : 0 }).where('id', '=', id).execute();
  }

  /** Also ends a lockout: an administrator's reset is how an account is unlocked before its time. */
  async setPassword(id: number, passwordHash: string, mustChangePassword: boolean): Promise<void> {
    await this.store
      .q()
      .updateTable('users')
      .set({ password_hash: passwordHash, must_change_password: mustChangePassword ? 1 : 0, failed_logins: 0, locked_until: null })
      .where('id', '=', id)
      .execute();
  }
}
