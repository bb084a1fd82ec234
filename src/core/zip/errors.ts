import { ActionError } from '../step/errors.js'

/** An archive whose entries would land outside the extraction folder, or that cannot be read. */
export class UnsafeArchiveError extends ActionError {}

/**
 * A zip that reads, but whose directory and local headers disagree or whose entries share bytes:
 * tools read such an archive differently, and it can unpack to far more than its size.
 */
export class MalformedArchiveError extends UnsafeArchiveError {}
