/** A C0 or C1 control character: never part of a name, a version or a header value. */
export const CONTROL_CHARACTER = /\p{Cc}/u
