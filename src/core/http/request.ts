import * as log from '../step/log.js'
import type { IncomingMessage } from 'node:http'
import { ActionError } from '../step/errors.js'
import type { Authorization } from './authorization.js'
import { HttpStatusError, RedirectError, TransportError } from './errors.js'
import { formatDuration } from '../format.js'
import { redact } from '../secrets.js'
import { readText } from './body.js'
import { systemClock, unlessAborted, type Clock } from './clock.js'
import { describeBody } from './describe-body.js'
import { malformedAnswerError, parseErrorOf, rememberParseErrors } from './malformed.js'
import { proxyFor } from './proxy.js'
import { followRedirect, MAX_REDIRECTS } from './redirects.js'
import { parseRetryAfter } from './retry-after.js'
import {
  attemptsSpent,
  describeFailure,
  waitLine,
  waitTooLong,
  type Failure
} from './retry-messages.js'
import {
  backoffMs,
  DEFAULT_STATUS_MEANINGS,
  isRedirectStatus,
  type RateLimitPolicy,
  type StatusMeanings
} from './retry-policy.js'
import type { RequestLog } from './request-log.js'
import type { StepBudget } from './step-budget.js'
import { toolkitTransport, type Transport } from './transport.js'

export interface ApiRequest<T> {
  /** Names the request in logs and errors: "download", "deploy to <system>". */
  label: string
  method: 'GET' | 'POST'
  url: URL
  headers?: Record<string, string>
  /** Sent with a POST (a sign-in form, say); its Content-Type goes in `headers`. */
  body?: string
  /**
   * A request that changes things (a deploy) is repeated only when the API surely did not act on
   * it: a rate-limit rejection, or no connection made.
   */
  changesState: boolean
  /** Reads a 2xx answer. A TransportError from here counts as a broken exchange. */
  read: (response: IncomingMessage) => Promise<T>
}

export interface ApiResponse<T> {
  value: T
  status: number
  attempts: number
}

/** What every requester of a step is given, whatever API it talks to. */
export interface SharedRequesterOptions {
  maxAttempts: number
  timeoutMs: number
  budget: StepBudget
  /** Where the requests sent and the waits are recorded, for the outputs and the summary. */
  log: RequestLog
  clock?: Clock
  transport?: Transport
  /** Cancels waits and requests in flight. */
  signal?: AbortSignal
}

export interface RequesterOptions extends SharedRequesterOptions {
  /** The credential and the one origin it goes to; without one, requests carry none. */
  authorization?: Authorization
  rateLimit: RateLimitPolicy
  /** Default DEFAULT_STATUS_MEANINGS. */
  statuses?: StatusMeanings
  /** Sent by the default transport. */
  userAgent?: string
}

// Errors where the request cannot have reached the server.
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL'
])

// TLS verification failures: another attempt meets the same certificate.
const CERTIFICATE_ERRORS = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID'
])

// @actions/http-client sends every proxied request through a CONNECT tunnel (the `tunnel`
// package), which reports a proxy's refusal, or a proxy it could not reach, only in its message,
// under the code ECONNRESET.
const TUNNEL_REFUSED = /^tunneling socket could not be established, statusCode=(\d+)/
const TUNNEL_FAILED = /^tunneling socket could not be established, cause=(.*)$/s

// Every request says it wants the body as stored: a package must be hashed and saved as the
// Catalog holds it. A body encoded anyway is decoded by the reader.
const BASE_HEADERS = { 'Accept-Encoding': 'identity' }

/**
 * The one place where requests are sent: retries with Retry-After and backoff within the two
 * budgets, follows redirects without leaking the credential, and logs every wait.
 */
export class Requester {
  private readonly clock: Clock
  private readonly transport: Transport
  private readonly statuses: StatusMeanings

  constructor(private readonly options: RequesterOptions) {
    this.clock = options.clock ?? systemClock
    this.transport = options.transport ?? toolkitTransport(options.timeoutMs, options.userAgent)
    this.statuses = options.statuses ?? DEFAULT_STATUS_MEANINGS
    rememberParseErrors()
  }

  async send<T>(request: ApiRequest<T>): Promise<ApiResponse<T>> {
    let attempt = 1
    try {
      for (; ; attempt++) {
        const outcome = await this.attempt(request, attempt)
        if ('value' in outcome) return outcome
        await this.waitBeforeRetry(request, attempt, outcome)
      }
    } catch (error) {
      if (this.options.signal?.aborted) throw this.options.signal.reason
      if (error instanceof ActionError) error.attempts ??= attempt
      if (error instanceof TransportError) error.proxy ??= proxyFor(request.url)
      throw error
    }
  }

  private async attempt<T>(
    request: ApiRequest<T>,
    attempt: number
  ): Promise<ApiResponse<T> | Failure> {
    let message: IncomingMessage
    try {
      message = await this.exchange(request)
    } catch (error) {
      if (error instanceof TransportError) return { kind: 'transport', error }
      throw error
    }
    const status = message.statusCode ?? 0
    if (status >= 200 && status < 300) {
      try {
        return { value: await request.read(message), status, attempts: attempt }
      } catch (error) {
        message.destroy()
        if (error instanceof TransportError) {
          // A body the parser refused (a bad chunk size) shows on the answer only as an abort.
          const malformed = malformedAnswerError(
            parseErrorOf(message),
            request.url.host,
            proxyFor(request.url)
          )
          return { kind: 'transport', error: malformed ?? error }
        }
        throw error
      }
    }
    const body = await readText(message, this.options.timeoutMs, 4096).catch(() => '')
    const error = new HttpStatusError(
      status,
      message.statusMessage ?? '',
      describeBody(redact(body), message.headers['content-type']),
      attempt,
      redact(body)
    )
    const { rateLimit } = this.options
    const limit = rateLimit.statuses.includes(status) ? rateLimit : undefined
    if (!limit && (request.changesState || !this.statuses.transient.includes(status))) throw error
    const header = parseRetryAfter(message.headers['retry-after'], this.clock.now())
    if (header !== undefined)
      return { kind: 'status', error, limit, serverWait: { ms: header, said: 'Retry-After' } }
    const named = limit?.waitInBody?.(body)
    if (named !== undefined)
      return { kind: 'status', error, limit, serverWait: { ms: named, said: 'body' } }
    return { kind: 'status', error, limit }
  }

  /** One exchange, redirects included; resolves with the final answer's head. */
  private async exchange(request: ApiRequest<unknown>): Promise<IncomingMessage> {
    const { authorization } = this.options
    let url = request.url
    let method: string = request.method
    let body = request.body
    let sendKey = url.origin === authorization?.origin
    for (let hop = 0; ; hop++) {
      const credential = sendKey ? await authorization!.headers() : {}
      const headers: Record<string, string> = { ...BASE_HEADERS, ...request.headers, ...credential }
      log.debug(
        `${method} ${url.origin}${url.pathname}${url.search}${withoutCredential(authorization, sendKey, ' (without ', ')')}`
      )
      this.options.log.recordRequest()
      const sent = this.transport(method, url, headers, body).catch(error => {
        throw this.transportError(error, url)
      })
      const message = await unlessAborted(sent, this.options.signal)
      const status = message.statusCode ?? 0
      if (!isRedirectStatus(status)) return message
      message.resume()
      if (hop >= MAX_REDIRECTS) {
        throw new RedirectError(
          `The server redirected more than ${MAX_REDIRECTS} times; the action stopped following it.`
        )
      }
      const next = followRedirect(url, message.headers.location, authorization?.origin)
      log.debug(
        `Redirected (HTTP ${status}) to ${next.url.origin}${withoutCredential(authorization, next.sendKey, '; ', ' stays behind')}`
      )
      if (status === 303) {
        method = 'GET'
        body = undefined
      }
      url = next.url
      sendKey = next.sendKey
    }
  }

  private transportError(error: unknown, url: URL): TransportError {
    if (error instanceof TransportError) return error
    const malformed = malformedAnswerError(error, url.host, proxyFor(url))
    if (malformed) return malformed
    const code = (error as NodeJS.ErrnoException | undefined)?.code
    const text = error instanceof Error ? error.message : String(error)
    if (text.startsWith('Request timeout')) {
      return new TransportError(
        `No answer from ${url.host} within ${formatDuration(this.options.timeoutMs)} (timeout-seconds).`,
        true,
        { cause: error }
      )
    }
    const proxyFailure = tunnelError(error, text, url)
    if (proxyFailure) return proxyFailure
    if (code && CERTIFICATE_ERRORS.has(code)) {
      return new TransportError(
        `The TLS certificate of ${url.host} was not accepted (${code}: ${redact(text)}).`,
        false,
        {
          cause: error,
          final: true,
          hint:
            'If a proxy or TLS inspection on this runner re-signs traffic with a company certificate authority, ' +
            "give Node that CA: set NODE_EXTRA_CA_CERTS to its PEM file in the job's env. The action never turns certificate checks off."
        }
      )
    }
    if (code === 'ENOTFOUND') {
      return new TransportError(
        `The host name ${url.hostname} could not be resolved (ENOTFOUND).`,
        false,
        {
          cause: error,
          final: true
        }
      )
    }
    if (code && NOT_CONNECTED.has(code)) {
      return new TransportError(`Could not connect to ${url.host} (${code}).`, false, {
        cause: error
      })
    }
    return new TransportError(
      `The connection to ${url.host} failed (${code ?? redact(text)}).`,
      true,
      { cause: error }
    )
  }

  private async waitBeforeRetry(
    request: ApiRequest<unknown>,
    attempt: number,
    failure: Failure
  ): Promise<void> {
    const { maxAttempts, budget } = this.options
    if (failure.kind === 'transport') {
      if (failure.error.final) throw failure.error
      if (request.changesState && failure.error.requestSent) throw failure.error
    }
    const limit = failure.kind === 'status' ? failure.limit : undefined
    const serverWait = failure.kind === 'status' ? failure.serverWait : undefined
    const serverWaitMs = serverWait?.ms
    const retryAt =
      serverWaitMs === undefined ? undefined : new Date(this.clock.now() + serverWaitMs)

    if (attempt >= maxAttempts) throw attemptsSpent(request.label, attempt, failure, retryAt)

    const refillMs = this.options.rateLimit.refillMs
    const waitMs = serverWaitMs ?? backoffMs(attempt, !!limit, this.clock.random(), refillMs)
    if (!budget.fits(waitMs))
      throw waitTooLong(request.label, attempt, failure, waitMs, budget, retryAt)

    const why =
      serverWait?.said === 'Retry-After'
        ? 'as the server asked with Retry-After'
        : serverWait?.said === 'body'
          ? "as the server's answer said"
          : limit
            ? `one refill of the rate limit, ${formatDuration(limit.refillMs)}`
            : 'backoff'
    log.info(
      waitLine(
        request.label,
        attempt,
        maxAttempts,
        failure,
        waitMs,
        why,
        budget.remainingMs - waitMs
      )
    )
    budget.spend(waitMs)
    this.options.log.recordWait({
      label: request.label,
      attempt,
      reason: describeFailure(failure),
      ms: waitMs
    })
    await this.clock.sleep(waitMs, this.options.signal)
  }
}

/** What the debug lines say when the credential stays behind; '' when it goes, or there is none. */
function withoutCredential(
  authorization: Authorization | undefined,
  sent: boolean,
  before: string,
  after: string
): string {
  return authorization && !sent ? `${before}${authorization.name}${after}` : ''
}

/** A proxy that refused the CONNECT tunnel, or could not be reached; undefined for other errors. */
function tunnelError(error: unknown, text: string, url: URL): TransportError | undefined {
  const variable = url.protocol === 'https:' ? 'https_proxy' : 'http_proxy'
  const refused = TUNNEL_REFUSED.exec(text)
  if (refused) {
    const status = Number(refused[1])
    const authentication = status === 407
    const reason = `the proxy answered HTTP ${status}${authentication ? ' Proxy Authentication Required' : ''} to CONNECT`
    return new TransportError(`The connection to ${url.host} failed (${reason}).`, false, {
      cause: error,
      // The proxy's own verdict: another attempt gets the same, unless the proxy is in trouble.
      final: status < 500,
      hint: authentication
        ? `The proxy in ${variable} wants credentials: give them in its URL, http://user:password@host:port ` +
          '(percent-encoded: %40 for @), and check them.'
        : `The proxy in ${variable} did not let the connection through: check its rules, or list ${url.hostname} in no_proxy ` +
          'if the runner reaches it directly.'
    })
  }
  const failed = TUNNEL_FAILED.exec(text)
  if (!failed) return undefined
  const reason = `no tunnel through the proxy: ${redact(failed[1])}`
  return new TransportError(`The connection to ${url.host} failed (${reason}).`, false, {
    cause: error,
    hint: `Check the proxy in ${variable} (its host and port) and that the runner reaches it.`
  })
}
