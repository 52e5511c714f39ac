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

export interface ValidationIssue {
  path: (string | number)[];
  message: string;
}

export interface VeilErrorBody {
  code: ErrorCode;
  message: string;
  issues?: ValidationIssue[];
}

export type VeilResult<T> = { ok: true; value: T } | { ok: false; error: VeilErrorBody };

/** Thrown by services and by the typed client; carries one of the error codes above. */
export class VeilError extends Error {
  readonly code: ErrorCode;
  readonly issues?: ValidationIssue[];
  constructor(code: ErrorCode, message: string, issues?: ValidationIssue[]) {
    super(message);
    this.name = 'VeilError';
    this.code = code;
    if (issues) this.issues = issues;
  }
  toBody(): VeilErrorBody {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message };
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
