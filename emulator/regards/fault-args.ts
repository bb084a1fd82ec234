// Faults written on the REGARDS emulator's command line: the Catalog emulator's `--fault` forms
// (read by its parser), on REGARDS's routes, plus REGARDS's own fault types.
//   download:status=515               a 515 for the next download
//   reference:truncate=100            a reference file cut to 100 bytes
//   download:wrong-bytes[=OFFSET]     one byte changed (the middle one by default)
//   html-page[=STATUS]                a "Request Rejected" page, 200 by default
//   expire-token                      the token the request carries expires now
//   {"type":"html-page","match":"download"}   the same as JSON
import { FaultArgError, faultHelp, parseFaultArg } from '../fault-args.js'
import { REGARDS_ROUTES, type RegardsFault, type RegardsRoute } from './faults.js'

export { FaultArgError }

const OWN_TYPES = ['wrong-bytes', 'html-page', 'expire-token'] as const
type OwnType = (typeof OWN_TYPES)[number]
/** The field `TYPE=VALUE` sets, for REGARDS's own fault types. */
const OWN_MAIN: Record<OwnType, 'offset' | 'status' | undefined> = {
  'wrong-bytes': 'offset',
  'html-page': 'status',
  'expire-token': undefined
}

/** The faults one `--fault` argument stands for (several when it says `times`). */
export function parseRegardsFaultArg(text: string): RegardsFault[] {
  const trimmed = text.trim()
  return trimmed.startsWith('{') ? parseJson(trimmed) : parseShort(trimmed)
}

function parseShort(text: string): RegardsFault[] {
  const segments = text.split(':')
  const match = isRoute(segments[0]) ? (segments.shift() as RegardsRoute) : undefined
  const [head = '', ...pairs] = segments
  const [type, value] = head.split(/=(.*)/s)
  if (isOwn(type)) {
    const times = pairs.length === 0 ? 1 : readTimes(pairs, text)
    const main = OWN_MAIN[type]
    if (value !== undefined && main === undefined) {
      throw new FaultArgError(`'${type}' takes no value, in '${text}'`)
    }
    const fault = { type, ...(match ? { match } : {}) } as Record<string, unknown>
    if (value !== undefined && main) fault[main] = wholeNumber(value, main, text)
    return repeat(fault as RegardsFault, times)
  }
  return withMatch(parseFaultArg(segments.join(':')), match)
}

function parseJson(text: string): RegardsFault[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new FaultArgError(`not valid JSON (${(error as Error).message}): '${text}'`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FaultArgError(`a JSON fault is an object with a "type", not '${text}'`)
  }
  const { match, ...fields } = value as Record<string, unknown>
  if (match !== undefined && !isRoute(match)) {
    throw new FaultArgError(`"match" must be one of ${REGARDS_ROUTES.join(', ')}, in '${text}'`)
  }
  if (isOwn(fields.type)) {
    const { type, times, ...others } = fields
    const main = OWN_MAIN[type]
    for (const [key, field] of Object.entries(others)) {
      if (key !== main) throw new FaultArgError(`'${type}' has no "${key}", in '${text}'`)
      wholeNumber(field, key, text)
    }
    const count = times === undefined ? 1 : readTimes([`times=${String(times)}`], text)
    return repeat({ ...others, type, ...(match ? { match } : {}) } as RegardsFault, count)
  }
  return withMatch(parseFaultArg(JSON.stringify(fields)), match)
}

function withMatch(faults: ReturnType<typeof parseFaultArg>, match?: RegardsRoute): RegardsFault[] {
  return faults.map(fault => {
    if (fault.type === 'partial-content') {
      throw new FaultArgError("'partial-content' is not a REGARDS fault: REGARDS has no Range")
    }
    return { ...fault, ...(match ? { match } : {}) } as RegardsFault
  })
}

function isRoute(value: unknown): value is RegardsRoute {
  return typeof value === 'string' && (REGARDS_ROUTES as string[]).includes(value)
}

function isOwn(value: unknown): value is OwnType {
  return typeof value === 'string' && (OWN_TYPES as readonly string[]).includes(value)
}

function wholeNumber(value: unknown, key: string, text: string): number {
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) {
    throw new FaultArgError(
      `${key} must be a whole number, got ${JSON.stringify(value)} in '${text}'`
    )
  }
  return number
}

function readTimes(pairs: string[], text: string): number {
  const [pair] = pairs
  const found = /^times=(\d+)$/.exec(pair ?? '')
  const times = found ? Number(found[1]) : NaN
  if (pairs.length !== 1 || !(times >= 1 && times <= 1000)) {
    throw new FaultArgError(`expected only times=N (1 to 1000) after the value, in '${text}'`)
  }
  return times
}

function repeat(fault: RegardsFault, times: number): RegardsFault[] {
  return Array.from({ length: times }, () => structuredClone(fault))
}

/** The usage section on faults: the Catalog emulator's, with REGARDS's routes and types. */
export function regardsFaultHelp(): string {
  return [
    faultHelp()
      .replace('ROUTE is download, deploy or versions', `ROUTE is ${REGARDS_ROUTES.join(', ')}`)
      .replace(/\n\s*partial-content\n[^\n]*/, ''),
    '',
    'REGARDS faults as well:',
    '  wrong-bytes[=<offset>]',
    '      the whole body with one byte changed (the middle one by default)',
    '  html-page[=<status>]',
    '      a firewall\'s "Request Rejected" HTML page instead of the answer, 200 by default',
    '  expire-token',
    '      the token the request carries expires now (401, and for later requests too)',
    '',
    'e.g. --fault download:status=515 --fault download:html-page --fault reference:reset-mid-body'
  ].join('\n')
}
