import { ActionError } from '../core/step/errors.js'

/** A failure of the REGARDS action that it foresees; the message says what, the hint what to do. */
export class RegardsError extends ActionError {}

/** One file could not be downloaded; the others go on (a spent quota excepted). */
export class FileError extends ActionError {}
