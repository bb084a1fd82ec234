import { z } from 'zod'
import { isMalformedRange, parseRange } from '../catalog/version-order.js'
import type { VersionRequest } from '../catalog/version-request.js'
import { InputError } from '../../core/step/errors.js'
import { redact, withSecrets } from '../../core/secrets.js'
import { baseUrl, boolean, given, integer, issue, quote } from '../../core/inputs/fields.js'
import { CONTROL_CHARACTER } from '../../core/inputs/text.js'

/** Every input declared in action.yml, in the order they are validated and reported. */
export const INPUT_NAMES = [
  'api-key',
  'catalog-id',
  'version',
  'allow-prerelease',
  'operation',
  'coordination-id',
  'path',
  'extract',
  'cache',
  'expected-sha256',
  'base-url',
  'max-attempts',
  'max-wait-seconds',
  'timeout-seconds'
] as const

export type InputName = (typeof INPUT_NAMES)[number]

export type Operation = 'download' | 'deploy'

export interface Settings {
  apiKey: string
  /** Lower-cased GUID. */
  catalogId: string
  /** What `version` asks for; describeVersionRequest() names it for logs and the summary. */
  versionRequest: VersionRequest
  /** 'auto' already resolved: deploy when at least one system is given. */
  operation: Operation
  /** Lower-cased, de-duplicated GUIDs in the order given; empty for a download. */
  coordinationIds: string[]
  /** As given ('' = the workspace). */
  path: string
  extract: boolean
  cache: boolean
  /** Lower-cased 64 hex digits. */
  expectedSha256?: string
  /** http: or https:, no credentials, query or fragment; its path ends with a slash. */
  baseUrl: URL
  maxAttempts: number
  maxWaitSeconds: number
  timeoutSeconds: number
  /** Non-fatal remarks about the inputs, to be logged as warnings. */
  warnings: string[]
}

const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const GUID_EXPECTED =
  'expected 8-4-4-4-12 hexadecimal digits, like 2f0c8b3e-5a1d-4c7e-9b2a-6d4f8e1c0a37'
const SHA256_PATTERN = /^[0-9a-f]{64}$/i
// In a `u` regex a surrogate pair is one code point, so this finds only lone halves.
const LONE_SURROGATE = /[\ud800-\udfff]/u
const SPACE_CHARACTER = /[\p{Z}\ufeff]/u
// Anything an HTTP header value cannot carry that the control and space checks do not report.
const NOT_HEADER_SAFE = /[^\p{Cc}\p{Z}\ufeff\x21-\x7e]/u
const REQUIRED = 'is required but was not given'
const MAX_VERSION_LENGTH = 128
const VERSION_EXPECTED =
  'expected a version as registered (1.0.0.1, 2.0.0-CU1), latest, latest-prerelease, or a ' +
  'range such as 1.0.0.x'

const lowerCase = (text: string) => text.toLowerCase()

function guid(text = z.string()) {
  return text
    .regex(GUID_PATTERN, { error: iss => `${quote(iss.input)} is not a GUID (${GUID_EXPECTED})` })
    .transform(lowerCase)
}

// Never puts the key itself in a message. An empty key is nearly always a secret that is not set,
// or one GitHub does not give to this run (workflows from forks and Dependabot get none).
const API_KEY_MISSING =
  'is empty: the secret it names is not set in this repository or organization, or not available ' +
  'to this run (GitHub gives no secrets to workflows started from forks, and only Dependabot ' +
  'secrets to Dependabot runs)'

const apiKey = z
  .string({ error: API_KEY_MISSING })
  .max(512, 'is longer than 512 characters; is it the organization key?')
  .refine(key => !CONTROL_CHARACTER.test(key), 'contains control characters (a line break?)')
  .refine(key => !SPACE_CHARACTER.test(key), 'contains spaces; give the key alone')
  .refine(
    key => !NOT_HEADER_SAFE.test(key),
    'contains characters other than visible ASCII, which an HTTP header cannot carry'
  )

type VersionInput =
  | { kind: 'exact'; version: string }
  | { kind: 'latest'; prerelease: boolean }
  | { kind: 'range'; range: string; prefix: string[] }

const LATEST: Record<string, VersionInput> = {
  latest: { kind: 'latest', prerelease: false },
  'latest-prerelease': { kind: 'latest', prerelease: true }
}

function versionInput(text: string, ctx: z.RefinementCtx): VersionInput {
  // Own keys only: `constructor` or `__proto__` is a version like any other.
  const latest = Object.hasOwn(LATEST, text.toLowerCase()) ? LATEST[text.toLowerCase()] : undefined
  if (latest) return latest
  const prefix = parseRange(text)
  if (prefix) return { kind: 'range', range: text, prefix }
  // A typo of a range is refused rather than sent as an exact version: no one registers a
  // version like `1..x` or `1.x.2`, and sending it would spend a rate-limited request on a 404.
  if (isMalformedRange(text)) {
    ctx.addIssue(
      issue(
        `${quote(text)} looks like a range but is not one: a range is one or more numbers ` +
          'followed by .x, .X or .* (1.0.0.x, 2.x)',
        text
      )
    )
    return z.NEVER
  }
  return { kind: 'exact', version: text }
}

// The Catalog accepts any version string, so only what cannot be sent as one URL path segment
// is refused: control characters, text that is not valid Unicode, and '.' and '..', which a
// URL drops (encodeURIComponent leaves dots as they are). Spaces, '/', '%', '+' and any other
// character go percent-encoded (routes.ts). The length limit is this action's own, a guard
// against pasting the wrong value; no Catalog limit is documented.
const version = z
  .string({ error: REQUIRED })
  .max(MAX_VERSION_LENGTH, {
    error: iss =>
      `${quote(iss.input)} is longer than ${MAX_VERSION_LENGTH} characters, the most this ` +
      'action accepts'
  })
  .refine(text => !CONTROL_CHARACTER.test(text), {
    error: iss =>
      `${quote(iss.input)} contains control characters (a line break or tab?), which a ` +
      `version cannot hold (${VERSION_EXPECTED})`
  })
  .refine(text => !LONE_SURROGATE.test(text), {
    error: iss => `${quote(iss.input)} is not valid Unicode text (${VERSION_EXPECTED})`
  })
  .refine(text => text !== '.' && text !== '..', {
    error: iss =>
      `${quote(iss.input)} cannot be sent: a URL drops "." and ".." path segments ` +
      `(${VERSION_EXPECTED})`
  })
  .transform(versionInput)

const operation = z.enum(['auto', 'download', 'deploy'], {
  error: iss => `${quote(iss.input)} is not one of auto, download, deploy`
})

const coordinationIds = z
  .string()
  .transform(list =>
    list
      .split(/[,\r\n]/)
      .map(item => item.trim())
      .filter(item => item !== '')
  )
  .pipe(z.array(guid()))
  .transform(ids => [...new Set(ids)])

const path = z.string().refine(text => !CONTROL_CHARACTER.test(text), {
  error: iss => `${quote(iss.input)} contains control characters`
})

const sha256 = z
  .string()
  .regex(SHA256_PATTERN, {
    error: iss => `${quote(iss.input)} is not a SHA-256 digest (expected 64 hexadecimal digits)`
  })
  .transform(lowerCase)

// Defaults are action.yml's, written as a workflow would, and validated like any given value.
const fields = z.object({
  'api-key': given(apiKey),
  'catalog-id': given(guid(z.string({ error: REQUIRED }))),
  version: given(version),
  'allow-prerelease': given(boolean().prefault('false')),
  operation: given(operation.prefault('auto')),
  'coordination-id': given(coordinationIds.prefault('')),
  path: given(path.prefault('')),
  extract: given(boolean().prefault('false')),
  cache: given(boolean().prefault('true')),
  'expected-sha256': given(sha256.optional()),
  'base-url': given(baseUrl.prefault('https://api.dataminer.services')),
  'max-attempts': given(integer(1, 20).prefault('5')),
  'max-wait-seconds': given(integer(0, 21600).prefault('300')),
  'timeout-seconds': given(integer(1, 3600).prefault('60'))
})

type Fields = z.output<typeof fields>

function hasProblemWith(issues: readonly z.core.$ZodRawIssue[], names: InputName[]): boolean {
  return issues.some(({ path }) => path !== undefined && names.includes(path[0] as InputName))
}

function requireSystemForDeploy(input: Fields, ctx: z.RefinementCtx<Fields>): void {
  if (input.operation === 'deploy' && input['coordination-id'].length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['coordination-id'],
      message: 'is required when operation is deploy (the ID of the DataMiner System to deploy to)'
    })
  }
}

function ignoredInputWarnings(input: Fields, operation: Operation): string[] {
  const warnings =
    input['allow-prerelease'] && input.version.kind === 'exact'
      ? ['allow-prerelease is ignored: version names an exact version, not latest or a range']
      : []
  if (operation === 'download') {
    if (input['coordination-id'].length > 0) {
      warnings.push(
        'coordination-id is ignored: operation is download (use deploy or auto to deploy)'
      )
    }
    return warnings
  }
  const downloadOnly = [
    input.extract && 'extract',
    input['expected-sha256'] !== undefined && 'expected-sha256',
    input.path !== '' && 'path'
  ].filter(name => name !== false)
  return [
    ...warnings,
    ...downloadOnly.map(name => `${name} is ignored: it only applies to downloads`)
  ]
}

function versionRequest(input: Fields): VersionRequest {
  const given = input.version
  const allowPrerelease = input['allow-prerelease']
  switch (given.kind) {
    case 'exact':
      return given
    case 'latest':
      return { kind: 'latest', includePrereleases: given.prerelease || allowPrerelease }
    case 'range':
      return { ...given, includePrereleases: allowPrerelease }
  }
}

function toSettings(input: Fields): Settings {
  const request = versionRequest(input)
  const operation: Operation =
    input.operation === 'auto'
      ? input['coordination-id'].length > 0
        ? 'deploy'
        : 'download'
      : input.operation
  return {
    apiKey: input['api-key'],
    catalogId: input['catalog-id'],
    versionRequest: request,
    operation,
    coordinationIds: operation === 'deploy' ? input['coordination-id'] : [],
    path: input.path,
    extract: input.extract,
    cache: input.cache,
    expectedSha256: input['expected-sha256'],
    baseUrl: input['base-url'],
    maxAttempts: input['max-attempts'],
    maxWaitSeconds: input['max-wait-seconds'],
    timeoutSeconds: input['timeout-seconds'],
    warnings: ignoredInputWarnings(input, operation)
  }
}

/** The action's inputs, keyed by their names in action.yml, as raw strings in, Settings out. */
export const inputsSchema = fields
  .superRefine(requireSystemForDeploy, {
    // Runs even when other inputs are bad, so that every problem is reported at once.
    when: payload => !hasProblemWith(payload.issues, ['operation', 'coordination-id'])
  })
  .transform(toSettings)

function describeIssue(problem: z.core.$ZodIssue): string {
  const name = problem.path[0]
  return name === undefined ? problem.message : `${String(name)}: ${problem.message}`
}

// A key pasted into the wrong input would otherwise be echoed. A malformed key (two words, a
// line break) is hidden piece by piece, as any piece may be the real key; so are the parts a
// comma separates, as coordination-id shows them one by one. Pieces too short to tell apart from
// ordinary text are left; the key's own messages never show it anyway.
function keyPieces(raw: Record<string, string | undefined>): string[] {
  const key = raw['api-key'] ?? ''
  return [...new Set([...key.split(/[\s\p{Cc}\p{Z}]+/u), ...key.split(/[\s\p{Cc}\p{Z},]+/u)])]
    .filter(piece => piece.length >= 8)
    .sort((a, b) => b.length - a.length)
}

/**
 * Validates the raw input strings ('' or undefined = not given) and turns them into Settings.
 * Throws one InputError naming every bad input, with the key hidden wherever it was given.
 */
export function parseInputs(raw: Record<string, string | undefined>): Settings {
  return withSecrets(keyPieces(raw), () => {
    const result = inputsSchema.safeParse(raw)
    if (result.success) return result.data
    throw new InputError(result.error.issues.map(describeIssue).map(redact))
  })
}
