import * as core from '@actions/core'
import { HttpClient } from '@actions/http-client'
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import {
  ActionError,
  HttpStatusError,
  RateLimitError,
  RedirectError,
  TransportError
} from '../errors.js'
import { formatDuration, formatInstant } from '../format.js'
import { redact } from '../redact.js'
import { readText, snippet } from './body.js'
import { systemClock, type Clock } from './clock.js'
import { followRedirect, MAX_REDIRECTS } from './redirects.js'
import { parseRetryAfter } from './retry-after.js'
import {
  backoffMs,
  isRateLimitStatus,
  isRedirectStatus,
  isTransientServerStatus
} from './retry-policy.js'
import type { StepBudget } from './step-budget.js'

export const API_KEY_HEADER = 'Ocp-Apim-Subscription-Key'

export interface ApiRequest<T> {
  /** Names the request in logs and errors: "download", "deploy to <system>". */
  label: string
  method: 'GET' | 'POST'
  url: URL
  headers?: Record<string, string>
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

/** Sends one HTTP request and resolves with the answer's head; the body is left unread. */
export type Transport = (
  method: string,
  url: URL,
  headers: Record<string, string>
) => Promise<IncomingMessage>

export interface RequesterOptions {
  baseUrl: URL
  apiKey: string
  maxAttempts: number
  timeoutMs: number
  budget: StepBudget
  clock?: Clock
  transport?: Transport
}

type Failure =
  | { kind: 'status'; error: HttpStatusError; retryAfterMs?: number }
  | { kind: 'transport'; error: TransportError }

// Errors where the request cannot have reached the server.
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL'
])

export function toolkitTransport(timeoutMs: number): Transport {
  const client = new HttpClient('dataminer-catalog-action', [], {
    allowRedirects: false,
    allowRetries: false,
    socketTimeout: timeoutMs,
    keepAlive: false
  })
  return async (method, url, headers) => {
    // An empty string makes the toolkit send `Content-Length: 0` on a bodiless POST.
    const response = await client.request(method, url.href, method === 'GET' ? null : '', headers)
    // The socket timeout is for the wait for the head. From here on the body's IdleWatchdog
    // times the transfer; left on, the socket timer would race it and, by ending the socket,
    // turn a stalled body into an "aborted" connection instead of the timeout it is.
    response.message.socket?.setTimeout(0)
    return response.message
  }
}

/**
 * The one place where requests are sent: retries with Retry-After and backoff within the two
 * budgets, follows redirects without leaking the key, and logs every wait.
 */
export class ApiRequester {
  private readonly clock: Clock
  private readonly transport: Transport
  private readonly apiOrigin: string

  constructor(private readonly options: RequesterOptions) {
    this.clock = options.clock ?? systemClock
    this.transport = options.transport ?? toolkitTransport(options.timeoutMs)
    this.apiOrigin = options.baseUrl.origin
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
      if (error instanceof ActionError) error.attempts ??= attempt
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
        if (error instanceof TransportError) return { kind: 'transport', error }
        throw error
      }
    }
    const body = await readText(message, this.options.timeoutMs, 4096).catch(() => '')
    const error = new HttpStatusError(
      status,
      message.statusMessage ?? '',
      snippet(redact(body)),
      attempt
    )
    const retryable =
      isRateLimitStatus(status) || (!request.changesState && isTransientServerStatus(status))
    if (!retryable) throw error
    return { kind: 'status', error, retryAfterMs: retryAfter(message.headers, this.clock.now()) }
  }

  /** One exchange, redirects included; resolves with the final answer's head. */
  private async exchange(request: ApiRequest<unknown>): Promise<IncomingMessage> {
    let url = request.url
    let method: string = request.method
    let sendKey = url.origin === this.apiOrigin
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { ...request.headers }
      if (sendKey) headers[API_KEY_HEADER] = this.options.apiKey
      core.debug(
        `${method} ${url.origin}${url.pathname}${url.search}${sendKey ? '' : ' (without the key)'}`
      )
      this.options.budget.recordRequest()
      const message = await this.transport(method, url, headers).catch(error => {
        throw this.transportError(error, url)
      })
      const status = message.statusCode ?? 0
      if (!isRedirectStatus(status)) return message
      message.resume()
      if (hop >= MAX_REDIRECTS) {
        throw new RedirectError(
          `The server redirected more than ${MAX_REDIRECTS} times; the action stopped following it.`
        )
      }
      const next = followRedirect(url, message.headers.location, this.apiOrigin)
      core.debug(
        `Redirected (HTTP ${status}) to ${next.url.origin}${next.sendKey ? '' : '; the key stays behind'}`
      )
      if (status === 303) method = 'GET'
      url = next.url
      sendKey = next.sendKey
    }
  }

  private transportError(error: unknown, url: URL): TransportError {
    if (error instanceof TransportError) return error
    const code = (error as NodeJS.ErrnoException | undefined)?.code
    const text = error instanceof Error ? error.message : String(error)
    if (text.startsWith('Request timeout')) {
      return new TransportError(
        `No answer from ${url.host} within ${formatDuration(this.options.timeoutMs)} (timeout-seconds).`,
        true,
        { cause: error }
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
    if (failure.kind === 'transport' && request.changesState && failure.error.requestSent)
      throw failure.error
    const rateLimited = failure.kind === 'status' && isRateLimitStatus(failure.error.status)
    const serverWaitMs = failure.kind === 'status' ? failure.retryAfterMs : undefined
    const retryAt =
      serverWaitMs === undefined ? undefined : new Date(this.clock.now() + serverWaitMs)

    if (attempt >= maxAttempts) throw this.exhausted(request, attempt, failure, retryAt)

    const waitMs = serverWaitMs ?? backoffMs(attempt, rateLimited, this.clock.random())
    if (!budget.fits(waitMs)) throw this.overBudget(request, attempt, failure, waitMs, retryAt)

    const why = serverWaitMs === undefined ? 'backoff' : 'as the server asked with Retry-After'
    core.info(
      `${capitalize(request.label)}: attempt ${attempt} of ${maxAttempts} ${describe(failure)}. ` +
        `Waiting ${formatDuration(waitMs)} (${why}); ${formatDuration(budget.remainingMs - waitMs)} of max-wait-seconds left after that.`
    )
    budget.recordWait({ label: request.label, attempt, reason: describe(failure), ms: waitMs })
    await this.clock.sleep(waitMs)
  }

  private exhausted(
    request: ApiRequest<unknown>,
    attempts: number,
    failure: Failure,
    retryAt?: Date
  ): Error {
    if (failure.kind === 'status' && isRateLimitStatus(failure.error.status)) {
      return new RateLimitError(
        `The ${request.label} request was still rejected by the rate limit (HTTP ${failure.error.status}) after ${attempts} attempt(s).`,
        failure.error.status,
        attempts,
        retryAt,
        `${RATE_LIMIT_POLICY}${retryAt ? ` The server said to retry at ${formatInstant(retryAt)}.` : ''} ` +
          'Raise max-attempts, or run the step later.'
      )
    }
    if (attempts === 1) return failure.error
    if (failure.kind === 'status') return failure.error
    return new TransportError(
      `${failure.error.message} Gave up after ${attempts} attempts.`,
      failure.error.requestSent,
      { cause: failure.error }
    )
  }

  private overBudget(
    request: ApiRequest<unknown>,
    attempts: number,
    failure: Failure,
    waitMs: number,
    retryAt?: Date
  ): Error {
    const { budget } = this.options
    const left = `${formatDuration(budget.remainingMs)} left of max-wait-seconds (${budget.maxWaitMs / 1000})`
    const neededSeconds = Math.ceil((budget.totalWaitedMs + waitMs) / 1000)
    if (failure.kind === 'status' && isRateLimitStatus(failure.error.status)) {
      const asked = retryAt
        ? `the server asks to wait ${formatDuration(waitMs)} (until ${formatInstant(retryAt)})`
        : `the next attempt would need a ${formatDuration(waitMs)} wait`
      return new RateLimitError(
        `The ${request.label} request was rejected by the rate limit (HTTP ${failure.error.status}) and ${asked}, more than the ${left}.`,
        failure.error.status,
        attempts,
        retryAt,
        `${retryAt ? `The limit resets at ${formatInstant(retryAt)}: run the step again then, or` : 'Run the step again later, or'} ` +
          `raise max-wait-seconds to at least ${neededSeconds}. ${RATE_LIMIT_POLICY}`
      )
    }
    if (failure.kind === 'status') return failure.error
    return new TransportError(
      `${failure.error.message} A further attempt would need a ${formatDuration(waitMs)} wait, more than the ${left}.`,
      failure.error.requestSent,
      { cause: failure.error }
    )
  }
}

const RATE_LIMIT_POLICY =
  'The Key Catalog API allows a burst of 100 requests per IP address, then one every 36 s, and rejects the rest.'

function retryAfter(headers: IncomingHttpHeaders, nowMs: number): number | undefined {
  return parseRetryAfter(headers['retry-after'], nowMs)
}

function describe(failure: Failure): string {
  if (failure.kind === 'transport') return `failed: ${failure.error.message}`
  const { status, statusText } = failure.error
  const text = statusText ? ` ${statusText}` : ''
  return isRateLimitStatus(status)
    ? `was rejected by the rate limit (HTTP ${status}${text})`
    : `failed with HTTP ${status}${text}`
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
