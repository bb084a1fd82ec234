import type { IncomingMessage } from 'node:http'
import { Transform, type TransformCallback } from 'node:stream'
import { TransportError } from './errors.js'
import { collectAfterStreaming } from '../memory.js'

/**
 * A pass-through stream that fails with a timeout when no bytes arrive for `idleMs`, and counts
 * them. It is the body's only timer: the transport disarms the socket timeout once the head is in.
 */
export class IdleWatchdog extends Transform {
  private readonly timer: NodeJS.Timeout
  /** Bytes passed through so far. */
  bytes = 0

  /**
   * `onIdle` runs after the timeout has failed the stream; `tap` sees every chunk on its way, so
   * that a caller can hash the body without another stream stage (each costs time per chunk).
   */
  constructor(
    private readonly idleMs: number,
    private readonly options: { onIdle?: () => void; tap?: (chunk: Buffer) => void } = {}
  ) {
    super()
    this.timer = setTimeout(() => {
      // Fail first, so the timeout is the error reported, not the abort that onIdle causes.
      this.destroy(
        new TransportError(
          `No data received for ${Math.round(this.idleMs / 1000)} s (timeout-seconds); the transfer was abandoned.`,
          true
        )
      )
      this.options.onIdle?.()
    }, this.idleMs)
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.timer.refresh()
    this.bytes += chunk.length
    collectAfterStreaming(chunk.length)
    this.options.tap?.(chunk)
    done(null, chunk)
  }

  override _flush(done: TransformCallback): void {
    clearTimeout(this.timer)
    done()
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    clearTimeout(this.timer)
    done(error)
  }
}

/** The error a response stream gives when the connection breaks mid-body, as the action says it. */
export function bodyBroken(cause: unknown): TransportError {
  if (cause instanceof TransportError) return cause
  const detail = cause instanceof Error ? cause.message : String(cause)
  return new TransportError(`The connection broke while receiving the answer (${detail}).`, true, {
    cause
  })
}

/** Reads a small text answer (JSON or an error page), keeping at most `maxBytes` of it. */
export async function readText(
  message: IncomingMessage,
  idleMs: number,
  maxBytes = 64 * 1024
): Promise<string> {
  const chunks: Buffer[] = []
  let kept = 0
  const watchdog = new IdleWatchdog(idleMs, { onIdle: () => message.destroy() })
  message.on('error', error => watchdog.destroy(bodyBroken(error)))
  message.on('aborted', () => watchdog.destroy(bodyBroken(new Error('aborted'))))
  message.pipe(watchdog)
  try {
    for await (const chunk of watchdog) {
      const buffer = chunk as Buffer
      if (kept < maxBytes) {
        chunks.push(buffer.subarray(0, maxBytes - kept))
        kept += Math.min(buffer.length, maxBytes - kept)
      }
    }
  } catch (error) {
    throw bodyBroken(error)
  }
  // TextDecoder drops a leading byte-order mark, which some servers put before their JSON.
  return new TextDecoder('utf-8').decode(Buffer.concat(chunks))
}
