// The REGARDS action's inputs, keyed by their names in regards/action.yml: raw strings in,
// Settings out, every bad input named in one InputError before any request.
import { z } from 'zod'
import { boolean, given, integer, issue, quote, quoteUrl } from '../../core/inputs/fields.js'
import { CONTROL_CHARACTER } from '../../core/inputs/text.js'
import { redact } from '../../core/secrets.js'
import { InputError } from '../../core/step/errors.js'
import { parseProductIds, ProductIdsError } from '../product-ids.js'
import { parseFileGlobs, parseFileTypes, SelectionInputError, type FileTypes } from '../select.js'
import { gatewayRoot, GatewayUrlError } from '../urls.js'

/** Every input declared in regards/action.yml, in the order they are validated and reported. */
export const INPUT_NAMES = [
  'url',
  'tenant',
  'username',
  'password',
  'token',
  'client',
  'products',
  'query',
  'dataset',
  'file-types',
  'files',
  'max-files',
  'accept-license',
  'restore',
  'restore-timeout-minutes',
  'path',
  'cache',
  'concurrency',
  'max-attempts',
  'max-wait-seconds',
  'timeout-seconds'
] as const

/** REGARDS's own OAuth client (rs-authentication.properties). */
export const DEFAULT_CLIENT = 'client:secret'

export type Credentials =
  | { kind: 'password'; username: string; password: string }
  | { kind: 'token'; token: string }
  | { kind: 'public' }

export type ProductRequest =
  { kind: 'ids'; ids: string[] } | { kind: 'query'; query: string; dataset?: string }

export interface Settings {
  /** The gateway root, without a trailing slash. */
  url: string
  tenant: string
  credentials: Credentials
  /** `id:secret`. */
  client: string
  products: ProductRequest
  fileTypes: FileTypes
  fileGlobs: string[]
  maxFiles: number
  acceptLicense: boolean
  restore: boolean
  restoreTimeoutMs: number
  /** As given ('' = the workspace). */
  path: string
  cache: boolean
  concurrency: number
  maxAttempts: number
  maxWaitSeconds: number
  timeoutSeconds: number
}

const REQUIRED = 'is required but was not given'

function text(name: string) {
  return z
    .string({ error: REQUIRED })
    .refine(value => !CONTROL_CHARACTER.test(value), `${name} contains control characters`)
}

/** A pure parser of this action's (its error class), as a zod transform. */
function parsed<T>(parse: (text: string) => T, errorClass: new (...args: never[]) => Error) {
  return z.string().transform((value, ctx) => {
    try {
      return parse(value)
    } catch (error) {
      if (!(error instanceof errorClass)) throw error
      ctx.addIssue(issue(error.message.replace(/^[a-z-]+ /, ''), value))
      return z.NEVER
    }
  })
}

const positiveMinutes = z.string().transform((value, ctx) => {
  const minutes = /^\d+(\.\d+)?$|^\.\d+$/.test(value) ? Number(value) : Number.NaN
  if (minutes > 0 && minutes <= 7 * 24 * 60) return Math.round(minutes * 60_000)
  ctx.addIssue(issue(`${quote(value)} is not a positive number of minutes (up to 10080)`, value))
  return z.NEVER
})

const client = z.string().refine(value => /^[^:\s]+:\S*$/.test(value), {
  // Never shows the value: it holds the client's secret.
  message: 'is not an OAuth client id:secret (the id, a colon, the secret)'
})

/** The inputs, keyed by their names in action.yml. */
export const inputsSchema = z.object({
  url: given(
    z.string({ error: REQUIRED }).transform((value, ctx) => {
      try {
        return gatewayRoot(value)
      } catch (error) {
        if (!(error instanceof GatewayUrlError)) throw error
        ctx.addIssue(issue(`${quoteUrl(value)} is not an http:// or https:// gateway root`, value))
        return z.NEVER
      }
    })
  ),
  tenant: given(
    text('tenant').refine(value => /^[\w.-]+$/.test(value), {
      error: iss => `${quote(iss.input)} is not a project name (letters, digits, . _ -)`
    })
  ),
  username: given(text('username').optional()),
  password: given(z.string().optional()),
  token: given(
    z
      .string()
      .refine(
        value => /^[\x21-\x7e]+$/.test(value),
        'contains spaces or characters an HTTP header cannot carry; give the token alone'
      )
      .optional()
  ),
  client: given(client.prefault(DEFAULT_CLIENT)),
  products: given(parsed(parseProductIds, ProductIdsError).optional()),
  query: given(text('query').optional()),
  dataset: given(
    z
      .string()
      .refine(value => /^URN:\S+$/i.test(value), {
        error: iss => `${quote(iss.input)} is not a dataset URN (URN:AIP:DATASET:…)`
      })
      .optional()
  ),
  'file-types': given(parsed(parseFileTypes, SelectionInputError).prefault('RAWDATA')),
  files: given(parsed(parseFileGlobs, SelectionInputError).prefault('*')),
  'max-files': given(integer(1, 100_000).prefault('20')),
  'accept-license': given(boolean().prefault('false')),
  restore: given(boolean().prefault('false')),
  'restore-timeout-minutes': given(positiveMinutes.prefault('60')),
  path: given(z.string().optional()).transform(value => value ?? ''),
  cache: given(boolean().prefault('true')),
  concurrency: given(integer(1, 16).prefault('2')),
  'max-attempts': given(integer(1, 20).prefault('5')),
  'max-wait-seconds': given(integer(0, 21600).prefault('300')),
  'timeout-seconds': given(integer(1, 3600).prefault('60'))
})

type Fields = z.output<typeof inputsSchema>

type Raw = Record<string, unknown>
const has = (raw: Raw, name: string) => typeof raw[name] === 'string' && raw[name].trim() !== ''

/** The checks between inputs, on the raw values: they run even when an input is bad. */
function crossChecks(raw: Raw, ctx: z.RefinementCtx): void {
  const add = (name: string, message: string) =>
    ctx.addIssue({ code: 'custom', message, path: [name], input: raw[name] })
  if (has(raw, 'username') && !has(raw, 'password')) {
    add('password', 'is required with username (give both, or neither for public access)')
  }
  if (has(raw, 'password') && !has(raw, 'username')) {
    add('username', 'is required with password (give both, or neither for public access)')
  }
  if (has(raw, 'token') && (has(raw, 'username') || has(raw, 'password'))) {
    add('token', 'is given with username/password: give one way of signing in, not both')
  }
  if (has(raw, 'products') && has(raw, 'query')) {
    add('query', 'is given with products: give product IDs or a query, not both')
  }
  if (!has(raw, 'products') && !has(raw, 'query')) {
    add('products', 'or query is required: give product IDs (URNs) or a search query')
  }
  if (has(raw, 'dataset') && !has(raw, 'query')) {
    add('dataset', 'is given without query: a dataset narrows a search, give query too')
  }
}

function credentials(input: Fields): Credentials {
  if (input.token) return { kind: 'token', token: input.token }
  if (input.username && input.password) {
    return { kind: 'password', username: input.username, password: input.password }
  }
  return { kind: 'public' }
}

function toSettings(input: Fields): Settings {
  return {
    url: input.url,
    tenant: input.tenant,
    credentials: credentials(input),
    client: input.client,
    products: input.products
      ? { kind: 'ids', ids: input.products }
      : { kind: 'query', query: input.query ?? '', dataset: input.dataset },
    fileTypes: input['file-types'],
    fileGlobs: input.files,
    maxFiles: input['max-files'],
    acceptLicense: input['accept-license'],
    restore: input.restore,
    restoreTimeoutMs: input['restore-timeout-minutes'],
    path: input.path,
    cache: input.cache,
    concurrency: input.concurrency,
    maxAttempts: input['max-attempts'],
    maxWaitSeconds: input['max-wait-seconds'],
    timeoutSeconds: input['timeout-seconds']
  }
}

function describeIssue(problem: z.core.$ZodIssue): string {
  const name = problem.path[0]
  return name === undefined ? problem.message : `${String(name)}: ${problem.message}`
}

/**
 * Validates the raw input strings ('' or undefined = not given) into Settings. Throws one
 * InputError naming every bad input; the secrets are masked already (run.ts).
 */
export function parseInputs(raw: Record<string, string | undefined>): Settings {
  const crossIssues: z.core.$ZodIssue[] = []
  const cross = z.unknown().superRefine((value, ctx) => crossChecks(value as Raw, ctx))
  const crossResult = cross.safeParse(raw)
  if (!crossResult.success) crossIssues.push(...crossResult.error.issues)
  const result = inputsSchema.safeParse(raw)
  const issues = [...crossIssues, ...(result.success ? [] : result.error.issues)]
  if (result.success && issues.length === 0) return toSettings(result.data)
  throw new InputError(issues.map(describeIssue).map(redact))
}
