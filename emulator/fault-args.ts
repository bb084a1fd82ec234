// Faults written on the emulator's command line (`--fault`), in a short form or as JSON.
//
// Short form: [ROUTE:]TYPE[=VALUE][:KEY=VALUE]...
//   download:status=429:retry-after=5     a 429 with the header retry-after: 5, for a download
//   download:reset-mid-body=100           reset the connection after 100 body bytes
//   status=503:times=3                    three 503s, for whatever requests come first
// JSON form: one Fault object as the emulator's script() takes it, plus an optional "times":
//   {"type":"status","status":503,"match":"download"}
//
// Each fault type is described once, in FAULT_SPECS. The type checker insists on an entry for
// every member of the Fault union, naming each of its fields and marking the required ones, so a
// new fault type needs one entry here and no parsing code.
import type { Fault, RouteKind } from './faults.js'

type FaultType = Fault['type']
type Variant<T extends FaultType> = Extract<Fault, { type: T }>
type FieldsOf<T extends FaultType> = Exclude<keyof Variant<T>, 'type' | 'match'>
type RequiredFieldsOf<T extends FaultType> = {
  [K in FieldsOf<T>]-?: object extends Pick<Variant<T>, K> ? never : K
}[FieldsOf<T>]

/**
 * How a field's text is read: a whole number ≥ 0, text as is, or headers (in the short form,
 * every KEY=VALUE that is no other field is a header). A required field's kind ends in '!'.
 */
export type FieldKind = 'integer' | 'string' | 'headers'

export interface FaultSpec<T extends FaultType> {
  /** What the fault does, for --help. */
  summary: string
  /** The field that `TYPE=VALUE` sets. */
  main?: FieldsOf<T>
  fields: { [K in FieldsOf<T>]-?: K extends RequiredFieldsOf<T> ? `${FieldKind}!` : FieldKind }
}

export const FAULT_SPECS: { [T in FaultType]: FaultSpec<T> } = {
  status: {
    summary: 'answer with this status instead of the real answer',
    main: 'status',
    fields: { status: 'integer!', headers: 'headers', body: 'string' }
  },
  'reset-mid-body': {
    summary: 'send the headers and part of the body (half by default), then reset the connection',
    main: 'afterBytes',
    fields: { afterBytes: 'integer' }
  },
  'short-body': {
    summary: 'send the headers and part of the body (half by default), then close cleanly',
    main: 'afterBytes',
    fields: { afterBytes: 'integer' }
  },
  stall: {
    summary: 'send the headers and part of the body (none by default), then nothing more',
    main: 'afterBytes',
    fields: { afterBytes: 'integer' }
  },
  'stall-headers': { summary: 'accept the request and never answer it', fields: {} },
  throttle: {
    summary: 'send the whole answer slowly, this many bytes a second (a tenth every 100 ms)',
    main: 'bytesPerSecond',
    fields: { bytesPerSecond: 'integer!' }
  },
  redirect: {
    summary: "redirect (302 by default) to 'second-host' (the default: the other port) or a URL",
    main: 'to',
    fields: { status: 'integer', to: 'string' }
  },
  filename: {
    summary: 'send the download under this Content-Disposition file name',
    main: 'value',
    fields: { value: 'string!' }
  },
  encode: {
    summary: 'encode the body: gzip, br, deflate, deflate-raw, zstd, or any other name sent as is',
    main: 'encoding',
    fields: { encoding: 'string!' }
  },
  truncate: {
    summary: 'send only the first bytes of the body, with a matching Content-Length',
    main: 'bytes',
    fields: { bytes: 'integer' }
  },
  'partial-content': {
    summary: '206 Partial Content with the first half of the body and a Content-Range',
    fields: {}
  },
  bom: { summary: 'put a UTF-8 byte-order mark before the body', fields: {} },
  mislabel: {
    summary: 'label the body with a Content-Encoding it is not encoded with',
    main: 'encoding',
    fields: { encoding: 'string!' }
  },
  'encoded-bomb': {
    summary:
      'send this many spaces gzip-encoded instead of the body (a small body that decodes to a lot)',
    main: 'bytes',
    fields: { bytes: 'integer!' }
  },
  malformed: {
    summary:
      'write the answer with a flaw HTTP forbids: two-content-lengths, content-length-and-chunked, folded-header, bad-chunk-size',
    main: 'flaw',
    fields: { flaw: 'string!' }
  }
}

export class FaultArgError extends Error {}

/** The faults one `--fault` argument stands for (several when it says `times`). */
export function parseFaultArg(text: string): Fault[] {
  const trimmed = text.trim()
  const { fields, times } = trimmed.startsWith('{') ? parseJson(trimmed) : parseShort(trimmed)
  const spec = specFor(fields.type, text)
  for (const [field, kind] of Object.entries(spec.fields)) {
    if (kind.endsWith('!') && !(field in fields)) {
      throw new FaultArgError(`'${spec.type}' needs ${kebab(field)}, in '${text}'`)
    }
  }
  return Array.from({ length: times }, () => structuredClone(fields) as Fault)
}

/** The usage section on faults, made from FAULT_SPECS. */
export function faultHelp(): string {
  const forms = Object.values(SPECS).map(spec => {
    const main =
      spec.main === undefined
        ? ''
        : spec.fields[spec.main].endsWith('!')
          ? `=<${kebab(spec.main)}>`
          : `[=<${kebab(spec.main)}>]`
    const others = Object.entries(spec.fields)
      .filter(([field]) => field !== spec.main)
      .map(([field, kind]) =>
        kind === 'headers' ? '[:NAME=VALUE]' : `[:${kebab(field)}=<${kebab(field)}>]`
      )
    return [`${spec.type}${main}${others.join('')}`, spec.summary]
  })
  return [
    'Faults: --fault, repeatable; each is used once, by the first request whose route matches.',
    '  --fault [ROUTE:]TYPE[=VALUE][:KEY=VALUE]...',
    '      ROUTE is download, deploy or versions (default: any); KEY=VALUE may also be times=N',
    '      (N copies); values are percent-decoded, so write a colon as %3A and % as %25.',
    `  --fault '{"type":"status","status":503,"match":"download"}'    the same as JSON`,
    '',
    ...forms.flatMap(([form, summary]) => [`  ${form}`, `      ${summary}`]),
    '',
    'e.g. --fault download:status=429:retry-after=5 --fault download:reset-mid-body'
  ].join('\n')
}

/** FAULT_SPECS as the parser reads it: by name, at run time. */
interface AnySpec {
  type: string
  summary: string
  main?: string
  fields: Record<string, string>
}
const SPECS: Record<string, AnySpec> = Object.fromEntries(
  Object.entries(FAULT_SPECS).map(([type, spec]) => [type, { type, ...spec }])
)

const ROUTES: Record<RouteKind, true> = { download: true, deploy: true, versions: true }

interface Parsed {
  fields: Record<string, unknown>
  times: number
}

function parseShort(text: string): Parsed {
  const segments = text.split(':')
  const match = isRoute(segments[0]) ? segments.shift() : undefined
  const [typePart = '', ...pairs] = segments
  const [type, mainValue] = splitOnce(typePart, '=')
  const spec = specFor(type, text)
  const fields: Record<string, unknown> = { type }
  if (match !== undefined) fields.match = match
  let times = 1

  if (mainValue !== undefined) {
    if (spec.main === undefined) throw new FaultArgError(`'${type}' takes no value, in '${text}'`)
    fields[spec.main] = fromText(spec, spec.main, decode(mainValue, text), text)
  }
  const headersField = Object.keys(spec.fields).find(field => kindOf(spec, field) === 'headers')
  for (const pair of pairs) {
    const [rawKey, rawValue] = splitOnce(pair, '=')
    if (rawValue === undefined || rawKey === '') {
      throw new FaultArgError(`expected KEY=VALUE after a colon, got '${pair}' in '${text}'`)
    }
    const value = decode(rawValue, text)
    const key = camel(rawKey)
    if (key === 'times') {
      times = readTimes(value, text)
    } else if (Object.hasOwn(spec.fields, key) && key !== headersField) {
      fields[key] = fromText(spec, key, value, text)
    } else if (headersField !== undefined) {
      const headers = (fields[headersField] ??= {}) as Record<string, string>
      headers[rawKey] = value
    } else {
      throw new FaultArgError(`'${type}' has no '${rawKey}'${takes(spec)}, in '${text}'`)
    }
  }
  return { fields, times }
}

function parseJson(text: string): Parsed {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new FaultArgError(`not valid JSON (${(error as Error).message}): '${text}'`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FaultArgError(`a JSON fault is an object with a "type", not '${text}'`)
  }
  const { type, match, times, ...rest } = value as Record<string, unknown>
  const spec = specFor(type, text)
  const fields: Record<string, unknown> = { type }
  if (match !== undefined) {
    if (!isRoute(match)) {
      throw new FaultArgError(`"match" must be download, deploy or versions, in '${text}'`)
    }
    fields.match = match
  }
  for (const [key, field] of Object.entries(rest)) {
    if (!Object.hasOwn(spec.fields, key)) {
      throw new FaultArgError(`'${spec.type}' has no "${key}"${takes(spec)}, in '${text}'`)
    }
    fields[key] = checked(key, kindOf(spec, key), field, text)
  }
  return { fields, times: times === undefined ? 1 : readTimes(times, text) }
}

function specFor(type: unknown, text: string): AnySpec {
  if (typeof type !== 'string' || !Object.hasOwn(SPECS, type)) {
    const known = Object.keys(SPECS).join(', ')
    throw new FaultArgError(`unknown fault type '${String(type)}' in '${text}'; known: ${known}`)
  }
  return SPECS[type]
}

function kindOf(spec: AnySpec, field: string): FieldKind {
  return spec.fields[field].replace(/!$/, '') as FieldKind
}

function fromText(spec: AnySpec, key: string, value: string, text: string): unknown {
  const kind = kindOf(spec, key)
  if (kind === 'integer')
    return checked(key, kind, /^\d+$/.test(value) ? Number(value) : value, text)
  return checked(key, kind, value, text)
}

function checked(key: string, kind: FieldKind, value: unknown, text: string): unknown {
  const wanted: Record<FieldKind, [string, boolean]> = {
    integer: ['a whole number', Number.isSafeInteger(value) && (value as number) >= 0],
    string: ['text', typeof value === 'string'],
    headers: [
      'an object of text values',
      typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.values(value).every(header => typeof header === 'string')
    ]
  }
  const [description, ok] = wanted[kind]
  if (!ok) {
    const got = JSON.stringify(value)
    throw new FaultArgError(`${kebab(key)} must be ${description}, got ${got} in '${text}'`)
  }
  return value
}

function readTimes(value: unknown, text: string): number {
  const times = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
  if (typeof times !== 'number' || !Number.isSafeInteger(times) || times < 1 || times > 1000) {
    throw new FaultArgError(`times must be a whole number from 1 to 1000, in '${text}'`)
  }
  return times
}

function takes(spec: AnySpec): string {
  const fields = Object.keys(spec.fields).map(kebab)
  return fields.length === 0 ? ' (it takes no fields)' : ` (it takes ${fields.join(', ')})`
}

function isRoute(value: unknown): value is RouteKind {
  return typeof value === 'string' && Object.hasOwn(ROUTES, value)
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator)
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)]
}

function decode(value: string, text: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    throw new FaultArgError(`'${value}' is not validly percent-encoded (% is %25), in '${text}'`)
  }
}

function camel(key: string): string {
  return key.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase())
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, letter => `-${letter.toLowerCase()}`)
}
