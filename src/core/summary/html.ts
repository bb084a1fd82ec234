import { redact } from '../secrets.js'

// The step summary is HTML (GitHub renders it like Markdown with HTML in it). Everything that
// comes from inputs or servers goes through text(), which removes the key and escapes markup.

/** Text for the step summary: the key removed, HTML special characters escaped. */
export function text(value: string | number): string {
  return redact(String(value)).replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)
}

export function code(value: string): string {
  return `<code>${text(value)}</code>`
}

/** Several lines of text, kept apart. */
export function lines(value: string): string {
  return value
    .split('\n')
    .map(line => text(line.trim()))
    .filter(line => line !== '')
    .join('<br>')
}

/** A table of HTML cells; the first row is the header. */
export function table(header: string[], rows: string[][]): string {
  const row = (cells: string[], tag: 'th' | 'td') =>
    `<tr>${cells.map(cell => `<${tag}>${cell}</${tag}>`).join('')}</tr>`
  return `<table>${row(header, 'th')}${rows.map(cells => row(cells, 'td')).join('')}</table>`
}

export function list(items: string[]): string {
  return `<ul>${items.map(item => `<li>${item}</li>`).join('')}</ul>`
}
