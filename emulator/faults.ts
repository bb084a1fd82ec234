// Scripted faults: a queue of one-shot misbehaviours, and the writers that send an answer
// whole or broken off.
import type { ServerResponse } from 'node:http'
import * as zlib from 'node:zlib'
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib'

export type RouteKind = 'download' | 'deploy' | 'versions'

export type Fault = { match?: RouteKind } & (
  | { type: 'status'; status: number; headers?: Record<string, string>; body?: string }
  | { type: 'reset-mid-body'; afterBytes?: number }
  | { type: 'short-body'; afterBytes?: number }
  | { type: 'stall'; afterBytes?: number }
  | { type: 'stall-headers' }
  /** The success answer in full, its body sent at this many bytes a second (a slow link). */
  | { type: 'throttle'; bytesPerSecond: number }
  | { type: 'redirect'; status?: 301 | 302 | 303 | 307 | 308; to?: 'second-host' | string }
  | { type: 'filename'; value: string }
  /** The success answer, its body encoded and labelled with Content-Encoding ('deflate-raw':
   * raw deflate data labelled 'deflate', as some servers send; any other name is sent as is). */
  | { type: 'encode'; encoding: 'gzip' | 'br' | 'deflate' | 'deflate-raw' | 'zstd' | string }
  /** The success answer cut to its first bytes, sent whole with a matching Content-Length. */
  | { type: 'truncate'; bytes?: number }
  /** 206 Partial Content with the first half of the success answer and a Content-Range. */
  | { type: 'partial-content' }
  /** The success answer with a UTF-8 byte-order mark before it, as some servers send JSON. */
  | { type: 'bom' }
  /** The success answer labelled with a Content-Encoding it is not encoded with. */
  | { type: 'mislabel'; encoding: string }
  /** Instead of the answer, `bytes` spaces gzip-encoded: a small body that decodes to a lot. */
  | { type: 'encoded-bomb'; bytes: number }
  /** The success answer written raw with a flaw HTTP forbids. */
  | { type: 'malformed'; flaw: MalformedFlaw }
)

export type MalformedFlaw =
  | 'two-content-lengths'
  | 'content-length-and-chunked'
  | 'folded-header'
  /** A sound head, then a chunked body whose first chunk size is not hexadecimal. */
  | 'bad-chunk-size'

/** Faults that change the success answer before it is sent in full. */
export type AnswerRewrite = Extract<
  Fault,
  { type: 'encode' | 'truncate' | 'partial-content' | 'bom' | 'mislabel' | 'encoded-bomb' }
>

const REWRITES = new Set<Fault['type']>([
  'encode',
  'truncate',
  'partial-content',
  'bom',
  'mislabel',
  'encoded-bomb'
])

export function isAnswerRewrite(fault: Fault): fault is AnswerRewrite {
  return REWRITES.has(fault.type)
}

export function rewriteAnswer(answer: HttpAnswer, fault: AnswerRewrite): HttpAnswer {
  const { body } = answer
  switch (fault.type) {
    case 'encode': {
      const encoders: Record<string, [string, (data: Buffer) => Buffer]> = {
        gzip: ['gzip', gzipSync],
        br: ['br', brotliCompressSync],
        deflate: ['deflate', deflateSync],
        'deflate-raw': ['deflate', deflateRawSync],
        // zstd exists from Node 22.15; on an older Node the body goes out unencoded but labelled.
        zstd: ['zstd', data => (zlib.zstdCompressSync ? zlib.zstdCompressSync(data) : data)]
      }
      const [label, encode] = encoders[fault.encoding] ?? [fault.encoding, (data: Buffer) => data]
      return {
        ...answer,
        headers: { ...answer.headers, 'Content-Encoding': label },
        body: encode(body)
      }
    }
    case 'truncate':
      return { ...answer, body: body.subarray(0, fault.bytes ?? Math.floor(body.length / 2)) }
    case 'bom':
      return { ...answer, body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) }
    case 'mislabel':
      return { ...answer, headers: { ...answer.headers, 'Content-Encoding': fault.encoding } }
    case 'encoded-bomb':
      return {
        ...answer,
        headers: { ...answer.headers, 'Content-Encoding': 'gzip' },
        body: gzipSync(Buffer.alloc(fault.bytes, ' '), { level: 9 })
      }
    case 'partial-content': {
      const sent = Math.floor(body.length / 2)
      return {
        status: 206,
        headers: { ...answer.headers, 'Content-Range': `bytes 0-${sent - 1}/${body.length}` },
        body: body.subarray(0, sent)
      }
    }
  }
}

/** Faults that send the headers of an answer and then break off its body. */
export type BodyFault = Extract<Fault, { type: 'reset-mid-body' | 'short-body' | 'stall' }>

export function isBodyFault(fault: Fault): fault is BodyFault {
  return fault.type === 'reset-mid-body' || fault.type === 'short-body' || fault.type === 'stall'
}

/**
 * Faults wait in order; each is used once, by the next request whose route it matches. Generic
 * so that another emulator (the REGARDS one) can queue its own faults and route names.
 */
export class FaultQueue<F extends { match?: string } = Fault> {
  private readonly queue: F[] = []

  add(...faults: F[]): void {
    this.queue.push(...faults)
  }

  take(route: NonNullable<F['match']>): F | undefined {
    const index = this.queue.findIndex(fault => fault.match === undefined || fault.match === route)
    return index === -1 ? undefined : this.queue.splice(index, 1)[0]
  }

  clear(): void {
    this.queue.length = 0
  }
}

/** A complete HTTP answer; Content-Length is added when it is written. */
export interface HttpAnswer {
  status: number
  headers: Record<string, string>
  body: Buffer
}

export function writeAnswer(res: ServerResponse, answer: HttpAnswer): void {
  res.writeHead(answer.status, withContentLength(answer))
  res.end(answer.body)
}

/**
 * Sends the headers, with the full Content-Length, and the first bytes of the body, then
 * destroys the socket (reset), ends it cleanly (short body) or leaves it hanging (stall).
 */
export function writeBrokenAnswer(res: ServerResponse, answer: HttpAnswer, fault: BodyFault): void {
  const defaultBytes = fault.type === 'stall' ? 0 : Math.floor(answer.body.length / 2)
  // Always withhold at least the last byte, or the fault would be a normal answer.
  const sent = Math.max(0, Math.min(fault.afterBytes ?? defaultBytes, answer.body.length - 1))
  res.writeHead(answer.status, withContentLength(answer))
  res.flushHeaders()
  const socket = res.socket
  if (!socket) return
  // Written to the socket itself: with a Content-Length the body goes out unframed anyway, and
  // the callback then says these bytes (and the headers before them) have left.
  socket.write(answer.body.subarray(0, sent), () => {
    if (fault.type === 'reset-mid-body') socket.destroy()
    else if (fault.type === 'short-body') socket.end()
  })
}

const THROTTLE_TICK_MS = 100

/**
 * Sends the answer whole but slowly: a tenth of `bytesPerSecond` every 100 ms (at least one byte),
 * as a slow link would. Stops when the client goes away.
 */
export function writeThrottledAnswer(
  res: ServerResponse,
  answer: HttpAnswer,
  bytesPerSecond: number
): void {
  const step = Math.max(1, Math.floor((bytesPerSecond * THROTTLE_TICK_MS) / 1000))
  res.writeHead(answer.status, withContentLength(answer))
  res.flushHeaders()
  let sent = 0
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer)
    const chunk = answer.body.subarray(sent, sent + step)
    sent += chunk.length
    if (sent < answer.body.length) return void res.write(chunk)
    clearInterval(timer)
    res.end(chunk)
  }, THROTTLE_TICK_MS)
  res.on('close', () => clearInterval(timer))
}

/** Writes the answer straight to the socket, with the flaw, so Node's writer cannot mend it. */
export function writeMalformedAnswer(
  res: ServerResponse,
  answer: HttpAnswer,
  flaw: MalformedFlaw
): void {
  const length = answer.body.length
  const headers = Object.entries(answer.headers).map(([name, value]) => `${name}: ${value}`)
  const framing = {
    'two-content-lengths': [`Content-Length: ${length}`, `Content-Length: ${length + 1}`],
    'content-length-and-chunked': [`Content-Length: ${length}`, 'Transfer-Encoding: chunked'],
    'folded-header': [
      `Content-Length: ${length}`,
      'X-Note: a header value',
      '  folded onto a second line'
    ],
    'bad-chunk-size': ['Transfer-Encoding: chunked']
  }[flaw] ?? [`Content-Length: ${length}`, `X-Emulator: no malformed flaw is called ${flaw}`]
  const head = [`HTTP/1.1 ${answer.status} OK`, ...headers, ...framing, 'Connection: close', '', '']
  const body =
    flaw === 'bad-chunk-size'
      ? Buffer.concat([Buffer.from('zz\r\n', 'latin1'), answer.body, Buffer.from('\r\n0\r\n\r\n')])
      : answer.body
  const socket = res.socket
  if (!socket) return
  socket.end(Buffer.concat([Buffer.from(head.join('\r\n'), 'latin1'), body]))
}

function withContentLength(answer: HttpAnswer): Record<string, string> {
  return { ...answer.headers, 'Content-Length': String(answer.body.length) }
}
