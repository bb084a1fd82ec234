// A bare node:http client for the emulator tests: it reports exactly what arrived, including
// partial bodies and broken connections, which fetch would hide behind one error.
import { request, type IncomingHttpHeaders } from 'node:http'

export interface Exchange {
  /** 0 while no response headers arrived. */
  status: number
  headers: IncomingHttpHeaders
  /** The body bytes received so far. */
  body: Buffer
  /** The body arrived in full and the response ended normally. */
  complete: boolean
  /** What broke the exchange, if something did. */
  error?: string
}

export interface SendOptions {
  method?: string
  headers?: Record<string, string>
  /** Sent as the request body. */
  body?: string | Buffer
}

export interface InFlight {
  /** What has arrived up to now. */
  snapshot(): Exchange
  /** Resolves (never rejects) once the exchange ended, normally or not. */
  finished: Promise<Exchange>
}

export const FULL_KEY = { 'Ocp-Apim-Subscription-Key': 'demo-full-key' }

/** Starts one request on a connection of its own. */
export function start(url: string, options: SendOptions = {}): InFlight {
  let status = 0
  let headers: IncomingHttpHeaders = {}
  let complete = false
  let error: string | undefined
  const chunks: Buffer[] = []
  const snapshot = (): Exchange => ({
    status,
    headers,
    body: Buffer.concat(chunks),
    complete,
    ...(error === undefined ? {} : { error })
  })

  const finished = new Promise<Exchange>(resolve => {
    let settled = false
    const settle = (problem?: string): void => {
      if (settled) return
      settled = true
      error = problem
      resolve(snapshot())
    }
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      res => {
        status = res.statusCode ?? 0
        headers = res.headers
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          complete = res.complete
          settle(complete ? undefined : 'incomplete body')
        })
        res.on('aborted', () => settle('aborted'))
        res.on('error', problem => settle(problem.message))
      }
    )
    req.on('error', problem => settle(problem.message))
    // A connection ended mid-body does not always raise an error: settle on close as well.
    req.on('close', () => settle(complete ? undefined : 'connection closed'))
    req.end(options.body)
  })
  return { snapshot, finished }
}

export function send(url: string, options: SendOptions = {}): Promise<Exchange> {
  return start(url, options).finished
}

export function json(exchange: Exchange): unknown {
  return JSON.parse(exchange.body.toString('utf8'))
}

export function delay(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}

/** Resolves as `promise` does, or rejects when it takes longer than `ms`. */
export async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
