import { ActionError } from '../step/errors.js'

/** The downloaded bytes are not what was promised (size or SHA-256). Never retried. */
export class IntegrityError extends ActionError {}

/**
 * The answer to a download is not the file asked for: another status than 200, an empty body,
 * content of the wrong kind (a proxy's or portal's page), an encoding that cannot be undone.
 * Never retried: the same request would get the same answer and spend another rate-limit token.
 */
export class PackageError extends ActionError {}

/** Something the action did not create is in the way of what it would write; left as it was. */
export class DestinationConflictError extends ActionError {}
