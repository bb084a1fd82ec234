// The token route: REGARDS's password grant, with its refusals in the order its filters make them.
import type { IncomingMessage } from 'node:http'
import {
  fail,
  headerText,
  jsonAnswer,
  messages,
  parseJson,
  succeed,
  type Outcome
} from './answers.js'
import type { StreamedAnswer } from './faults.js'
import type { RegardsRequest, RegardsSettings } from './request.js'
import type { UserSeed } from './seed.js'
import type { TokenStore } from './state.js'

export interface TokenContext {
  tenant: string
  /** The OAuth client `id:secret` wanted as Basic authorization. */
  client: string
  users: UserSeed[]
  tokens: TokenStore
  settings: RegardsSettings
}

export const MISSING_SCOPE = "[REGARDS PUBLIC FILTER] Missing 'scope' header or param"

/**
 * `scope` in the query or a header (401), the Basic client (401), the body (415, 400), the grant
 * (400), the account (401 empty, 400 ACCOUNT_UNKNOWN or its refusal), then the token.
 */
export function tokenRoute(
  context: TokenContext,
  req: IncomingMessage,
  record: RegardsRequest
): Outcome {
  // The public filter runs first and reads `scope` from the query or a header, never the body.
  const scope = record.query.scope ?? headerText(req.headers.scope)
  if (!scope) return fail(messages(401, MISSING_SCOPE))

  const authorization = headerText(req.headers.authorization)
  if (!authorization) return fail(messages(401, 'Authentication required'))
  if (!authorization.startsWith('Basic ')) {
    return fail(messages(401, 'Basic Authorization required'))
  }
  const client = Buffer.from(authorization.slice('Basic '.length), 'base64').toString('utf8')
  if (client !== context.client) {
    return fail(messages(401, 'Invalid Basic Authorization token'))
  }
  if (scope !== context.tenant) return fail(authError('?', 'PROJECT_UNKNOWN'))

  const body = tokenBody(context.settings, req, record)
  if ('answer' in body) return fail(body.answer)
  // The body wins over (deprecated) query parameters.
  const field = (name: string): string => body.fields[name] ?? record.query[name] ?? ''
  if (field('grant_type') !== 'password') {
    return fail(messages(400, `Unsupported grant type '${field('grant_type')}'`))
  }
  const username = field('username')
  const password = field('password')
  // Spring's BadCredentialsException, with no handler: 401 is a guess. [INF]
  if (!username || !password) return fail(messages(401, 'Bad credentials'))
  const user = context.users.find(candidate => candidate.email === username)
  if (!user || user.password !== password) return fail(authError(username, 'ACCOUNT_UNKNOWN'))
  if (user.refusal) return fail(authError(username, user.refusal))

  const lifetime = context.settings.tokenLifetimeSeconds
  return succeed({
    status: 200,
    headers: {
      'Content-Type': 'application/json;charset=UTF-8',
      'Cache-Control': 'no-store',
      Pragma: 'no-cache'
    },
    content: Buffer.from(
      JSON.stringify({
        access_token: context.tokens.issue(user.email, lifetime, context.tenant),
        token_type: 'bearer',
        expires_in: lifetime,
        scope: context.tenant,
        tenant: context.tenant,
        role: user.role,
        sub: user.email,
        email: user.email
      })
    )
  })
}

function tokenBody(
  settings: RegardsSettings,
  req: IncomingMessage,
  record: RegardsRequest
): { fields: Record<string, string> } | { answer: StreamedAnswer } {
  const type = headerText(req.headers['content-type'])
  if (record.body.trim() === '') return { fields: {} }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    if (settings.strictTokenBody) {
      return { answer: messages(415, `Content-Type '${type}' is not supported`) }
    }
    return { fields: Object.fromEntries(new URLSearchParams(record.body)) }
  }
  const parsed = parseJson(record.body)
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { answer: messages(400, 'The request body is not a JSON object') }
  }
  const fields: Record<string, string> = {}
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'string') fields[key] = value
  }
  return { fields }
}

/** The serialized AuthenticationException of a refused sign-in (its exact fields are [INF]). */
function authError(login: string, error: string): StreamedAnswer {
  return jsonAnswer(400, {
    detailMessage: `Access denied for user ${login}. cause: ${error}`,
    additionalInformation: { error }
  })
}
