// The answers the REGARDS emulator builds, in REGARDS's shapes.
import type { StreamedAnswer } from './faults.js'
import type { CatalogFile } from './seed.js'

/** A failed check, or the success answer (with what starts and ends a counted download). */
export type Outcome =
  | { ok: false; answer: StreamedAnswer }
  | { ok: true; answer: StreamedAnswer; begin?: () => void; end?: () => void }

export function fail(answer: StreamedAnswer): Outcome {
  return { ok: false, answer }
}

export function succeed(answer: StreamedAnswer): Outcome {
  return { ok: true, answer }
}

export function jsonAnswer(status: number, value: unknown): StreamedAnswer {
  return {
    status,
    headers: { 'Content-Type': 'application/json;charset=UTF-8' },
    content: Buffer.from(JSON.stringify(value))
  }
}

/** REGARDS's GlobalControllerAdvice shape: `{"messages":[…]}`. */
export function messages(status: number, text: string): StreamedAnswer {
  return jsonAnswer(status, { messages: [text] })
}

export function textAnswer(status: number, text: string): StreamedAnswer {
  return {
    status,
    headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
    content: Buffer.from(text)
  }
}

export function emptyAnswer(status: number): StreamedAnswer {
  return { status, headers: {}, content: Buffer.alloc(0) }
}

export function fileAnswer(file: CatalogFile, inline: boolean): StreamedAnswer {
  return {
    status: 200,
    headers: {
      'Content-Type': file.mimeType ?? 'application/octet-stream',
      'Content-Disposition': springDisposition(inline ? 'inline' : 'attachment', file.filename)
    },
    content: file.content
  }
}

/**
 * Spring's ContentDisposition as REGARDS builds it: the name quoted, only `"` and `\` escaped,
 * no RFC 5987 form. Characters a header cannot carry become '?' (which is why clients must name
 * files from the search metadata, never from this header).
 */
export function springDisposition(type: string, filename: string): string {
  const escaped = filename.replace(/["\\]/g, c => `\\${c}`).replace(/[^\x20-\x7e]/g, '?')
  return `${type}; filename="${escaped}"`
}

/** The query of the 423's `accept` link: the request's, then acceptLicense=true. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

export function headerText(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? ''
}
