import { describeBody } from '../http/describe-body.js'

/** What the first bytes of a file are, for a person: a page's title, a JSON message, or bytes. */
export function describeContent(
  bytes: Buffer,
  contentType?: string,
  kindOfFile = 'a zip archive'
): string {
  // A multi-byte character cut at the end of the preview is not a sign of binary data.
  const text = bytes.toString('utf8').replace(/\ufffd+$/, '')
  // Control characters other than tabs and line breaks, or bytes that are not UTF-8: binary.
  const printable = !/[^\P{Cc}\t\n\r\f]/u.test(text) && !text.includes('\ufffd')
  if (printable) {
    const described = describeBody(text, contentType)
    if (described.startsWith('an HTML page')) return described
    const kind = /json/i.test(contentType ?? '') || /^\s*[[{]/.test(text) ? 'JSON' : 'text'
    // Only spaces and line breaks: shown as the start of a run of blanks, not as nothing.
    if (described === '' && text !== '') return `${kind}: "   …" (whitespace only)`
    return `${kind}: "${described}"`
  }
  const hex = [...bytes.subarray(0, 8)].map(byte => byte.toString(16).padStart(2, '0')).join(' ')
  return `binary data that is not ${kindOfFile} (it starts with ${hex})`
}
