import { ActionError } from '../step/errors.js'

/** An archive whose entries would land outside the extraction folder, or that cannot be read. */
export class UnsafeArchiveError extends ActionError {}
