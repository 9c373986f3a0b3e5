export type AuditStoreErrorCode =
  /** The native SQLite module could not be loaded for this runtime. */
  | 'native_module'
  /** The file could not be opened or created (missing, permissions, not SQLite). */
  | 'open_failed'
  /** The file is SQLite but not a Vigil audit database. */
  | 'not_vigil'
  /** Written by a newer Vigil; this build must not touch it. */
  | 'newer_version'
  /** Written by an older Vigil and opened read-only, so it cannot be upgraded here. */
  | 'older_version'
  | 'invalid_input'
  | 'write_failed'
  | 'read_failed';

/** Every failure of the audit store, with a message a person can act on (path and cause). */
export class AuditStoreError extends Error {
  override readonly name = 'AuditStoreError';
  constructor(
    readonly code: AuditStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message;
  }
  return String(cause);
}
