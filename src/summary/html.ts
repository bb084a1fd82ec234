import { redact } from '../redact.js'

/** Text for the step summary: the key removed, HTML special characters escaped. */
export function text(value: string | number): string {
  return redact(String(value)).replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)
}

export function code(value: string): string {
  return `<code>${text(value)}</code>`
}
