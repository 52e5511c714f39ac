import type { Db } from '../db/database';
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

interface RawUser {
  id: number;
  username: string;
  display_name: string;
  role: string;
  password_hash: string;
  active: number;
  must_change_password: number;
  failed_logins: number;
  locked_until: string | null;
  created_at: string;
}

function toUser(raw: RawUser): UserRow {
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

/** All SQL about user accounts lives here. */
export class UserRepository {
  constructor(private readonly db: Db) {}

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  list(): UserRow[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY username').all() as RawUser[]).map(toUser);
  }

  byId(id: number): UserRow | undefined {
    const raw = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as RawUser | undefined;
    return raw && toUser(raw);
  }

  byUsername(username: string): UserRow | undefined {
    const raw = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as RawUser | undefined;
    return raw && toUser(raw);
  }

  insert(user: { username: string; displayName: string; role: Role; passwordHash: string; mustChangePassword: boolean; createdAt: string }): number {
    const info = this.db
      .prepare(
        `INSERT INTO users (username, display_name, role, password_hash, must_change_password, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(user.username, user.displayName, user.role, user.passwordHash, user.mustChangePassword ? 1 : 0, user.createdAt);
    return Number(info.lastInsertRowid);
  }

  setActive(id: number, active: boolean): void {
    this.db.prepare('UPDATE users SET active = ? WHERE id = ?').run(active ? 1 : 0, id);
  }

  /** Also ends a lockout: an administrator's reset is how an account is unlocked before its time. */
  setPassword(id: number, passwordHash: string, mustChangePassword: boolean): void {
    this.db
      .prepare('UPDATE users SET password_hash = ?, must_change_password = ?, failed_logins = 0, locked_until = NULL WHERE id = ?')
      .run(passwordHash, mustChangePassword ? 1 : 0, id);
  }
}
