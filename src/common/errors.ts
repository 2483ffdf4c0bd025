/**
 * Typed errors shared by every domain. Each carries a stable machine `code`, optional `details`,
 * and an HTTP `status` the server boundary uses; domains subclass these rather than throwing
 * plain `Error`s, so the boundary can map them without knowing the domain.
 */

/** Base class of every error pitcrew raises on purpose. */
export class PitcrewError extends Error {
  override name = "PitcrewError";
  /** HTTP status the API answers with for this error. */
  readonly status: number = 500;
  constructor(
    /** Stable machine-readable code, e.g. `validation_failed`. */
    readonly code: string,
    message: string,
    /** Structured extra data (diagnostics, field names) shown to API clients. */
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Input from outside (API body, YAML, report, webhook) is malformed or violates a rule. */
export class ValidationError extends PitcrewError {
  override name = "ValidationError";
  override readonly status = 400;
  constructor(message: string, details?: unknown, options?: { cause?: unknown }) {
    super("validation_failed", message, details, options);
  }
}

/** A referenced entity does not exist. */
export class NotFoundError extends PitcrewError {
  override name = "NotFoundError";
  override readonly status = 404;
  constructor(what: string, id: string | number) {
    super("not_found", `${what} ${JSON.stringify(String(id))} not found`, { what, id });
  }
}

/** The request conflicts with the current state (e.g. cancelling a finished run). */
export class ConflictError extends PitcrewError {
  override name = "ConflictError";
  override readonly status = 409;
  constructor(message: string, details?: unknown) {
    super("conflict", message, details);
  }
}

/**
 * A project already has a rollout in progress in an environment: a refusal that passes (the
 * pipeline's deploy stage waits for that rollout to end), unlike other conflicts.
 */
export class RolloutInProgressError extends ConflictError {
  override name = "RolloutInProgressError";
  constructor(project: string, environment: string, rolloutId: number) {
    super(`${project} already has rollout ${rolloutId} in progress in ${environment}`, { rolloutId });
  }
}

/** No valid credentials were presented. */
export class UnauthorizedError extends PitcrewError {
  override name = "UnauthorizedError";
  override readonly status = 401;
  constructor(message = "authentication required: send 'Authorization: Bearer <token>'") {
    super("unauthorized", message);
  }
}

/** Credentials are valid but their role does not allow the operation. */
export class ForbiddenError extends PitcrewError {
  override name = "ForbiddenError";
  override readonly status = 403;
  constructor(message: string) {
    super("forbidden", message);
  }
}

/** An input exceeds a size limit. */
export class TooLargeError extends PitcrewError {
  override name = "TooLargeError";
  override readonly status = 413;
  constructor(what: string, size: number, limit: number) {
    super("too_large", `${what} is ${size} bytes, over the limit of ${limit} bytes`, { size, limit });
  }
}

/** A bounded resource is in use: the request may be repeated later (HTTP 429). */
export class BusyError extends PitcrewError {
  override name = "BusyError";
  override readonly status = 429;
  constructor(message: string) {
    super("busy", message);
  }
}

/** A service pitcrew depends on (the queue's Redis, the object store) is unreachable (HTTP 503). */
export class UnavailableError extends PitcrewError {
  override name = "UnavailableError";
  override readonly status = 503;
  constructor(message: string, options?: { cause?: unknown }) {
    super("unavailable", message, undefined, options);
  }
}

/** True when `err` is a pitcrew error with the given class name (works across module copies). */
export function isPitcrewError(err: unknown): err is PitcrewError {
  return err instanceof PitcrewError;
}
