import { englishOf, type Message, type MessageKey } from './messages/catalogue';

/** Typed error results every channel may answer with. Messages are written for the person at the bench. */
export const ERROR_CODES = [
  'validation',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  /** The database file could not be written or read (full disk, read-only, locked, damaged): nothing was changed. */
  'storage',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * A refused or failed step says it by key (shared/messages): `key` and `params` are what the renderer translates;
 * `message` is the English text of the same key, for logs, the command line and tests. Errors not yet moved onto the
 * catalogue carry the English message only.
 */
export interface Said {
  key?: MessageKey;
  params?: Record<string, string | number>;
}

export interface ValidationIssue extends Said {
  path: (string | number)[];
  message: string;
}

export interface VeilErrorBody extends Said {
  code: ErrorCode;
  message: string;
  issues?: ValidationIssue[];
}

/** One field's problem, said by key. */
export function issue(path: (string | number)[], said: Message): ValidationIssue {
  return { path, message: englishOf(said), ...saidOf(said) };
}

function saidOf(said: Message): Said {
  return said.params ? { key: said.key, params: said.params as Record<string, string | number> } : { key: said.key };
}

export type VeilResult<T> = { ok: true; value: T } | { ok: false; error: VeilErrorBody };

/** Thrown by services and by the typed client; carries one of the error codes above. */
export class VeilError extends Error {
  readonly code: ErrorCode;
  readonly issues?: ValidationIssue[];
  readonly key?: MessageKey;
  readonly params?: Record<string, string | number>;
  constructor(code: ErrorCode, message: string, issues?: ValidationIssue[], said: Said = {}) {
    super(message);
    this.name = 'VeilError';
    this.code = code;
    if (issues) this.issues = issues;
    if (said.key) this.key = said.key;
    if (said.params) this.params = said.params;
  }
  /** The error of a message of the catalogue (shared/messages): its key travels, its English is the message. */
  static says(code: ErrorCode, said: Message, issues?: ValidationIssue[]): VeilError {
    return new VeilError(code, englishOf(said), issues, saidOf(said));
  }
  /** The error a body received from the core stands for (the typed client). */
  static fromBody(body: VeilErrorBody): VeilError {
    return new VeilError(body.code, body.message, body.issues, body);
  }
  toBody(): VeilErrorBody {
    return {
      code: this.code,
      message: this.message,
      ...(this.key ? { key: this.key } : {}),
      ...(this.params ? { params: this.params } : {}),
      ...(this.issues ? { issues: this.issues } : {}),
    };
  }
}

/** HTTP status of each error code in browser mode. */
export const HTTP_STATUS_OF_ERROR: Readonly<Record<ErrorCode, number>> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  storage: 503,
  internal: 500,
};
