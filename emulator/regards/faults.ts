// The REGARDS emulator's scripted faults: the Catalog emulator's fault types (its FaultQueue
// holds them) on REGARDS's routes, plus a few of REGARDS's own, and the writer that streams an
// answer whole or broken off without holding a large file in memory.
import type { ServerResponse } from 'node:http'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import * as zlib from 'node:zlib'
import type { Fault } from '../faults.js'
import { contentChunks, contentSize, type FileContent } from './content.js'

export type RegardsRoute =
  | 'token'
  | 'search'
  | 'entity'
  | 'download'
  | 'availability'
  | 'restore'
  | 'license'
  | 'quota'
  /** The second host: reference files and redirect targets. */
  | 'reference'

export const REGARDS_ROUTES: RegardsRoute[] = [
  'token',
  'search',
  'entity',
  'download',
  'availability',
  'restore',
  'license',
  'quota',
  'reference'
]

type Shared<T extends Fault['type']> = Omit<Extract<Fault, { type: T }>, 'match'>

export type RegardsFault = { match?: RegardsRoute } & (
  | Shared<'status'>
  | Shared<'reset-mid-body'>
  | Shared<'short-body'>
  | Shared<'stall'>
  | Shared<'stall-headers'>
  | Shared<'redirect'>
  | Shared<'filename'>
  | Shared<'encode'>
  | Shared<'truncate'>
  | Shared<'encoded-bomb'>
  /** The success answer with one byte changed (at `offset`, default the middle). */
  | { type: 'wrong-bytes'; offset?: number }
  /** A firewall's "Request Rejected" HTML page, with status 200 unless told. */
  | { type: 'html-page'; status?: number }
  /** The token the request carries expires now: this answer and later ones are 401. */
  | { type: 'expire-token' }
)

/** Faults that change how a success answer's body goes out. */
export type BodyFault = Extract<
  RegardsFault,
  {
    type:
      | 'reset-mid-body'
      | 'short-body'
      | 'stall'
      | 'encode'
      | 'truncate'
      | 'wrong-bytes'
      | 'encoded-bomb'
  }
>

const BODY_FAULTS = new Set<string>([
  'reset-mid-body',
  'short-body',
  'stall',
  'encode',
  'truncate',
  'wrong-bytes',
  'encoded-bomb'
])

export function isBodyFault(fault: RegardsFault | undefined): fault is BodyFault {
  return fault !== undefined && BODY_FAULTS.has(fault.type)
}

/** An answer whose body is streamed: given bytes or generated content. */
export interface StreamedAnswer {
  status: number
  headers: Record<string, string>
  content: FileContent
  /** Skip the body (HEAD): headers only, Content-Length included. */
  headOnly?: boolean
}

/** The F5 ASM page that some gateways send, sometimes with a 200. */
export function requestRejectedPage(status = 200): StreamedAnswer {
  const id = '13627513579813271190'
  const html =
    '<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. ' +
    `Please consult with your administrator.<br><br>Your support ID is: ${id}</body></html>`
  return { status, headers: { 'Content-Type': 'text/html' }, content: Buffer.from(html) }
}

type Encoder = () => Transform

const ENCODERS: Record<string, [string, Encoder]> = {
  gzip: ['gzip', () => zlib.createGzip()],
  br: ['br', () => zlib.createBrotliCompress()],
  deflate: ['deflate', () => zlib.createDeflate()],
  'deflate-raw': ['deflate', () => zlib.createDeflateRaw()]
}

/**
 * Writes the answer, applying a body fault if one is given. Resolves once the body went out,
 * was broken off, or the client went away (never rejects).
 */
export async function writeStreamed(
  res: ServerResponse,
  answer: StreamedAnswer,
  fault?: BodyFault
): Promise<void> {
  const size = contentSize(answer.content)
  const headers = { ...answer.headers }
  if (fault?.type === 'encoded-bomb') {
    // Instead of the file: that many spaces, gzip-encoded (a small body that decodes to a lot).
    res.writeHead(answer.status, { ...headers, 'Content-Encoding': 'gzip' })
    if (answer.headOnly) return void res.end()
    const spaces = Buffer.alloc(Math.min(fault.bytes, 1024 * 1024), ' ')
    const chunks = function* () {
      for (let left = fault.bytes; left > 0; left -= spaces.length)
        yield spaces.subarray(0, Math.min(left, spaces.length))
    }
    await pipeline([Readable.from(chunks()), zlib.createGzip(), res]).catch(() => undefined)
    return
  }
  if (fault?.type === 'encode') {
    const [label, encoder] = ENCODERS[fault.encoding] ?? [fault.encoding, undefined]
    headers['Content-Encoding'] = label
    res.writeHead(answer.status, headers)
    if (answer.headOnly) return void res.end()
    const source = Readable.from(contentChunks(answer.content))
    await pipeline(encoder ? [source, encoder(), res] : [source, res]).catch(() => undefined)
    return
  }

  const sent = sentBytes(size, fault)
  const announced = fault?.type === 'truncate' ? sent : size
  res.writeHead(answer.status, { ...headers, 'Content-Length': String(announced) })
  if (answer.headOnly) return void res.end()
  res.flushHeaders()

  const wrongAt = fault?.type === 'wrong-bytes' ? (fault.offset ?? Math.floor(size / 2)) : -1
  let at = 0
  for (const chunk of contentChunks(answer.content)) {
    if (at >= sent || res.destroyed) break
    let part = chunk.subarray(0, sent - at)
    if (wrongAt >= at && wrongAt < at + part.length) {
      part = Buffer.from(part)
      part[wrongAt - at] ^= 0xff
    }
    at += part.length
    if (!res.write(part)) await drained(res)
  }
  if (res.destroyed) return
  if (fault?.type === 'reset-mid-body' || fault?.type === 'short-body') {
    const socket = res.socket
    // Once the bytes written have left, reset the connection or end it cleanly.
    await new Promise<void>(resolve => res.write('', () => resolve()))
    if (fault.type === 'reset-mid-body') socket?.destroy()
    else socket?.end()
    return
  }
  if (fault?.type === 'stall') return // left hanging; close() ends the socket
  res.end()
}

/** How many body bytes go out: all but a broken-off answer withholds at least the last. */
function sentBytes(size: number, fault: BodyFault | undefined): number {
  switch (fault?.type) {
    case 'truncate':
      return Math.min(fault.bytes ?? Math.floor(size / 2), size)
    case 'reset-mid-body':
    case 'short-body':
    case 'stall': {
      const wanted = fault.afterBytes ?? (fault.type === 'stall' ? 0 : Math.floor(size / 2))
      return Math.max(0, Math.min(wanted, size - 1))
    }
    default:
      return size
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise(resolve => {
    const done = (): void => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.on('drain', done)
    res.on('close', done)
  })
}
