// Errors that cross stage boundaries carry a stable code (for scripts, metrics and tests), the stage that raised
// them, and the underlying cause. Messages are for people: they name the source, file, line or field.

export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_NOT_FOUND'
  | 'FETCH_TIMEOUT'
  | 'FETCH_HTTP_STATUS'
  | 'FETCH_TOO_LARGE'
  | 'FETCH_TOO_MANY_REDIRECTS'
  | 'FETCH_REDIRECT_LOOP'
  | 'FETCH_BLOCKED_ADDRESS'
  | 'FETCH_NETWORK'
  | 'FETCH_BAD_URL'
  | 'FETCH_DECODE'
  | 'PARSE_NOT_A_FEED'
  | 'PARSE_INVALID'
  | 'PARSE_UNSAFE'
  | 'STORE_FAILED'
  | 'CLASSIFY_RULE_INVALID'
  | 'CLASSIFY_MODEL_INVALID'
  | 'MAIL_FAILED'
  | 'SUBSCRIBER_INVALID'
  | 'USAGE';

export class TipwireError extends Error {
  readonly code: ErrorCode;
  /** Extra facts for logs and status pages (HTTP status, Retry-After, linked feed URL…). */
  readonly details: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TipwireError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

export function isTipwireError(err: unknown, code?: ErrorCode): err is TipwireError {
  return err instanceof TipwireError && (code === undefined || err.code === code);
}

/** A one-line description of any thrown value, for summaries and stored source errors. */
export function describeError(err: unknown): { code: string; message: string } {
  if (err instanceof TipwireError) return { code: err.code, message: err.message };
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : 'UNEXPECTED', message: err.message };
  }
  return { code: 'UNEXPECTED', message: String(err) };
}
