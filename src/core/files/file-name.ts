// Names for downloaded files. A server-sent name is untrusted: it must only ever become a plain
// file name inside the destination folder, on Linux, Windows and macOS alike, and never hold a
// secret of the step (a name is written to the disk, the outputs and the log).
import { withoutSecrets } from '../secrets.js'

const MAX_NAME_BYTES = 200
/** Longer "extensions" are not worth keeping whole when a name has to be shortened. */
const MAX_EXTENSION_BYTES = 32

// C0 and C1 controls, plus the bidirectional overrides that can disguise an extension.
const INVISIBLE_OR_CONTROL = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu
/** Characters Windows does not allow in a file name. */
export const FORBIDDEN_ON_WINDOWS = /[<>:"|?*]/
// Windows opens a device, not a file, for these names, whatever follows the first dot.
const WINDOWS_DEVICE_NAME = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/i

/**
 * The file name of a Content-Disposition header: `filename*` (RFC 5987) when it can be decoded,
 * else `filename` (RFC 6266). Still untrusted: pass it through `safeBaseName`.
 */
export function fileNameFromContentDisposition(header: string | undefined): string | undefined {
  if (!header) return undefined
  const parameters = parseParameters(header)
  const extended = parameters.get('filename*')
  const decoded = extended === undefined ? undefined : decodeExtendedValue(extended)
  if (decoded) return decoded
  const plain = parameters.get('filename')
  return plain ? decodeRawUtf8(plain) : undefined
}

/**
 * Reduces an untrusted name to a base name that is safe on every OS and holds no secret of the
 * step; undefined if none is left.
 */
export function safeBaseName(raw: string): string | undefined {
  const lastPart = withoutSecrets(raw).split(/[/\\]/).pop() ?? ''
  // Cut again once the characters between a secret's pieces are gone.
  let name = trimName(
    withoutSecrets(
      lastPart.replace(INVISIBLE_OR_CONTROL, '').replace(new RegExp(FORBIDDEN_ON_WINDOWS, 'g'), '')
    )
  )
  if (name === '' || name === '.' || name === '..') return undefined
  if (isWindowsDeviceName(name)) name = `_${name}`
  // Shortening may leave nothing: a long run of dots and spaces before an over-long extension.
  return capLength(name) || undefined
}

/** True for CON, nul.txt, Com1.tar.gz and the like, which Windows maps to devices. */
export function isWindowsDeviceName(name: string): boolean {
  const stem = name.split('.')[0].trimEnd()
  return WINDOWS_DEVICE_NAME.test(stem)
}

/** The name without leading spaces, nor trailing dots and spaces (which Windows drops). */
export function trimName(name: string): string {
  return name.replace(/^\s+/u, '').replace(/[\s.]+$/u, '')
}

function capLength(name: string): string {
  if (utf8Length(name) <= MAX_NAME_BYTES) return name
  const dot = name.lastIndexOf('.')
  const extension = dot > 0 ? name.slice(dot) : ''
  const keptExtension = utf8Length(extension) <= MAX_EXTENSION_BYTES ? extension : ''
  const stem = keptExtension ? name.slice(0, dot) : name
  const budget = MAX_NAME_BYTES - utf8Length(keptExtension)
  return trimName(truncateUtf8(stem, budget)) + keptExtension
}

/** Cuts whole code points, so a character is never split into invalid UTF-8. */
function truncateUtf8(value: string, maxBytes: number): string {
  let result = ''
  let bytes = 0
  for (const character of value) {
    const length = utf8Length(character)
    if (bytes + length > maxBytes) break
    result += character
    bytes += length
  }
  return result
}

function utf8Length(value: string): number {
  return Buffer.byteLength(value, 'utf8')
}

/** Parameters after the disposition type, names lower-cased, first occurrence kept. */
function parseParameters(header: string): Map<string, string> {
  const parameters = new Map<string, string>()
  let position = header.indexOf(';')
  if (position < 0) return parameters
  while (position < header.length) {
    position++ // past ';'
    const equals = header.indexOf('=', position)
    const semicolon = header.indexOf(';', position)
    if (equals < 0) break
    if (semicolon >= 0 && semicolon < equals) {
      position = semicolon
      continue
    }
    const name = header.slice(position, equals).trim().toLowerCase()
    const { value, end } = readValue(header, equals + 1)
    if (name && !parameters.has(name)) parameters.set(name, value)
    position = end
  }
  return parameters
}

/** A quoted string (with backslash escapes) or a token, up to the next ';' (returned as `end`). */
function readValue(header: string, start: number): { value: string; end: number } {
  let position = start
  while (header[position] === ' ' || header[position] === '\t') position++
  if (header[position] !== '"') {
    const semicolon = header.indexOf(';', position)
    const end = semicolon < 0 ? header.length : semicolon
    return { value: header.slice(position, end).trim(), end }
  }
  let value = ''
  position++
  while (position < header.length && header[position] !== '"') {
    if (header[position] === '\\' && position + 1 < header.length) position++
    value += header[position]
    position++
  }
  const semicolon = header.indexOf(';', position)
  return { value, end: semicolon < 0 ? header.length : semicolon }
}

/** `charset'language'percent-encoded`; UTF-8 and ISO-8859-1 are the charsets RFC 5987 requires. */
function decodeExtendedValue(value: string): string | undefined {
  const match = /^([^']*)'[^']*'(.*)$/.exec(value)
  if (!match) return undefined
  const charset = match[1].toLowerCase()
  const encoded = match[2]
  try {
    if (charset === 'utf-8') return decodeURIComponent(encoded)
    if (charset === 'iso-8859-1') return percentDecodeBytes(encoded).toString('latin1')
  } catch {
    return undefined
  }
  return undefined
}

function percentDecodeBytes(encoded: string): Buffer {
  const bytes: number[] = []
  for (let i = 0; i < encoded.length; i++) {
    if (encoded[i] !== '%') {
      bytes.push(encoded.charCodeAt(i) & 0xff)
      continue
    }
    const digits = encoded.slice(i + 1, i + 3)
    if (!/^[0-9a-f]{2}$/i.test(digits)) throw new URIError(`Bad percent-escape "%${digits}"`)
    bytes.push(Number.parseInt(digits, 16))
    i += 2
  }
  return Buffer.from(bytes)
}

/** Node reads header bytes as latin1; a raw UTF-8 name then arrives as mojibake, so undo that. */
function decodeRawUtf8(value: string): string {
  if (!/[\u0080-\u00ff]/.test(value) || /[\u0100-\uffff]/.test(value)) return value
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(value, 'latin1'))
  } catch {
    return value
  }
}
