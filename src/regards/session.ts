// Who the step is to REGARDS: an account signed in with the password grant (and signed in again
// before its token runs out, or once after a 401), a token given as is, or public access (the
// tenant as `scope`). Only this module sees the password; the token it gets is a secret at once.
import type { Authorization } from '../core/http/authorization.js'
import type { Clock } from '../core/http/clock.js'
import { HttpStatusError } from '../core/http/errors.js'
import type { Requester } from '../core/http/request.js'
import { readText } from '../core/http/body.js'
import { addSecret } from '../core/secrets.js'
import * as log from '../core/step/log.js'
import { RegardsError } from './errors.js'
import type { Credentials } from './inputs/schema.js'
import { tokenUrl } from './urls.js'

export interface SessionOptions {
  root: string
  tenant: string
  credentials: Credentials
  client: string
  /** Sends the sign-in request: no authorization of its own (the Basic client goes in headers). */
  requester: Requester
  clock: Clock
  timeoutMs: number
}

interface Token {
  value: string
  /** When to sign in again: before `expires_in` runs out. */
  renewAt: number
}

/** Signs in again this long before the token expires (or at 90 % of a short lifetime). */
const RENEW_MARGIN_MS = 5 * 60_000

export class Session {
  private token: Token | undefined
  private renewing: Promise<void> | undefined
  signIns = 0

  constructor(private readonly options: SessionOptions) {
    const { credentials } = options
    if (credentials.kind === 'token') this.token = { value: credentials.token, renewAt: Infinity }
  }

  get kind(): Credentials['kind'] {
    return this.options.credentials.kind
  }

  /** The query parameters of public access (`scope`), for requests to the gateway. */
  get publicQuery(): Record<string, string> {
    return this.kind === 'public' ? { scope: this.options.tenant } : {}
  }

  /** The Bearer token, to the gateway's origin only; none for public access. */
  authorization(): Authorization | undefined {
    if (this.kind === 'public') return undefined
    return {
      origin: new URL(this.options.root).origin,
      name: 'the token',
      headers: async (): Promise<Record<string, string>> => {
        if (this.kind === 'password' && this.options.clock.now() >= (this.token?.renewAt ?? 0)) {
          if (this.token) log.info('The REGARDS token is about to expire: signing in again.')
          await this.signIn()
        }
        return this.token ? { Authorization: `Bearer ${this.token.value}` } : {}
      }
    }
  }

  /**
   * Signs in with the password grant; fails before any search when REGARDS refuses. Downloads
   * running at once that all find the token stale share the one sign-in.
   */
  signIn(): Promise<void> {
    this.renewing ??= this.signInOnce().finally(() => {
      this.renewing = undefined
    })
    return this.renewing
  }

  private async signInOnce(): Promise<void> {
    const { credentials, root, tenant, client, requester, clock, timeoutMs } = this.options
    if (credentials.kind !== 'password') return
    this.signIns++
    const started = clock.now()
    let answer: string
    try {
      const response = await requester.send({
        label: 'sign-in',
        method: 'POST',
        url: new URL(tokenUrl(root, tenant)),
        headers: {
          Authorization: `Basic ${Buffer.from(client).toString('base64')}`,
          'Content-Type': 'application/json',
          Accept: 'application/json'
        },
        body: JSON.stringify({
          grant_type: 'password',
          username: credentials.username,
          password: credentials.password,
          scope: tenant
        }),
        changesState: false,
        read: message => readText(message, timeoutMs)
      })
      answer = response.value
    } catch (error) {
      throw signInError(error, credentials.username)
    }
    const { token, expiresInSeconds } = tokenOf(answer)
    addSecret(token)
    const lifetimeMs = expiresInSeconds * 1000
    const margin = Math.min(RENEW_MARGIN_MS, lifetimeMs / 10)
    this.token = { value: token, renewAt: started + lifetimeMs - margin }
    log.info(`Signed in to REGARDS as ${credentials.username} (token valid ${expiresInSeconds} s).`)
  }

  /**
   * After a 401 on a data request: signs in again so that the request may be repeated once, or
   * throws the error that says why it may not.
   */
  async renewAfter401(error: HttpStatusError, alreadyRenewed: boolean): Promise<void> {
    if (this.kind === 'token') {
      throw new RegardsError(
        `REGARDS refused the token given in token (HTTP 401): it has expired, was revoked, or belongs to another project than ${this.options.tenant}.`,
        'Get a fresh token, or give username and password so that the action signs in itself.',
        { cause: error }
      )
    }
    if (this.kind === 'public') {
      throw new RegardsError(
        `REGARDS asked for an account (HTTP 401): project ${this.options.tenant} does not allow public access to this.`,
        'Give username and password (as secrets), or token.',
        { cause: error }
      )
    }
    if (alreadyRenewed) {
      throw new RegardsError(
        'REGARDS refused the token (HTTP 401) again just after the action signed in once more.',
        'Check that the account may use this project; run the step again later.',
        { cause: error }
      )
    }
    log.info('REGARDS answered 401: the token may have expired; signing in again.')
    await this.signIn()
  }
}

function tokenOf(answer: string): { token: string; expiresInSeconds: number } {
  let json: unknown
  try {
    json = JSON.parse(answer)
  } catch {
    json = undefined
  }
  const record = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>
  const token = record.access_token
  if (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token)) {
    throw new RegardsError(
      'The sign-in answer has no access_token: the url may not be a REGARDS gateway.',
      'Check url (the gateway root, without /api/v1).'
    )
  }
  const expires = Number(record.expires_in)
  // Deployments give from 2 h to 30 days; without a usable value, assume REGARDS's default.
  return { token, expiresInSeconds: Number.isFinite(expires) && expires > 0 ? expires : 7200 }
}

/** What REGARDS said on refusing the sign-in: the account state, or the client. */
function signInError(error: unknown, username: string): unknown {
  if (!(error instanceof HttpStatusError)) return error
  if (error.status === 400) {
    const state = /\b(ACCOUNT_[A-Z_]+|USER_[A-Z_]+|PROJECT_[A-Z_]+)\b/.exec(error.body)?.[1]
    return new RegardsError(
      `REGARDS refused the sign-in of ${username} (HTTP 400${state ? `, ${state}` : ''}): ${describeState(state)}.`,
      'Check username and password (as secrets) and tenant; nothing was searched or downloaded.',
      { cause: error }
    )
  }
  if (error.status === 401) {
    return new RegardsError(
      `REGARDS refused the sign-in request (HTTP 401${error.bodySnippet ? `: ${error.bodySnippet}` : ''}): the OAuth client in client is not this gateway's, or the request lacked the tenant.`,
      "Check client (REGARDS's default is client:secret; your deployment's administrator knows its own) and tenant.",
      { cause: error }
    )
  }
  if (error.status === 515) return maintenance(error)
  return new RegardsError(
    `The sign-in failed: ${error.message}.`,
    'Check url and tenant; run the step again later.',
    { cause: error }
  )
}

function describeState(state: string | undefined): string {
  switch (state) {
    case 'ACCOUNT_UNKNOWN':
      return 'unknown login or wrong password'
    case 'PROJECT_UNKNOWN':
      return 'no such project (tenant)'
    case undefined:
      return 'the account was not accepted'
    default:
      return 'the account is not allowed to sign in in this state'
  }
}

/** HTTP 515: the project is in maintenance; every attempt the budget allowed got it. */
export function maintenance(error: HttpStatusError): RegardsError {
  return new RegardsError(
    'The REGARDS project is in maintenance (HTTP 515) and stayed so for every attempt.',
    'Run the step again once the maintenance is over; raise max-attempts or max-wait-seconds to wait longer.',
    { cause: error }
  )
}
