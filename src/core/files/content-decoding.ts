import { Transform, type TransformCallback } from 'node:stream'
import * as zlib from 'node:zlib'
import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib'
import { PackageError } from './errors.js'

/**
 * The decoders that undo a Content-Encoding, in the order to apply them. The action asks for
 * `identity`, but a server or proxy may encode anyway; the package must be hashed and saved as the
 * Catalog holds it. Throws a PackageError for an encoding it cannot undo.
 */
export function decodersFor(contentEncoding: string | undefined, proxy?: string): Transform[] {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map(coding => coding.trim().toLowerCase())
    .filter(coding => coding !== '' && coding !== 'identity')
  // Listed in the order they were applied, so they are undone from the last.
  return codings.reverse().map(coding => {
    switch (coding) {
      case 'gzip':
      case 'x-gzip':
        return createGunzip()
      case 'br':
        return createBrotliDecompress()
      case 'deflate':
        return new DeflateDecoder()
      case 'zstd':
        // Node 24 (the action's runtime) has zstd; the check keeps older Nodes to a clear refusal.
        if (typeof zlib.createZstdDecompress === 'function') return zlib.createZstdDecompress()
        return unsupported(coding, proxy)
      default:
        return unsupported(coding, proxy)
    }
  })
}

function unsupported(coding: string, proxy: string | undefined): never {
  throw new PackageError(
    `The package arrived with Content-Encoding "${coding}", which the action cannot decode.`,
    `The action asks for an unencoded answer (Accept-Encoding: identity); ${reencodedBy(proxy)}`
  )
}

/** Who may have encoded an answer the action asked to get unencoded. */
function reencodedBy(proxy: string | undefined): string {
  return proxy
    ? `the proxy ${proxy} between the runner and the API may have re-encoded it: check its settings.`
    : "the server encoded it anyway: report it to the server's operators."
}

/**
 * The error for a body its Content-Encoding does not fit (zlib's "incorrect header check",
 * brotli's or zstd's format errors); undefined for any other error, a body cut short included
 * (zlib's "unexpected end of file": the connection's fault, worth another attempt).
 */
export function notEncodedAs(
  error: unknown,
  contentEncoding: string | undefined,
  proxy?: string
): PackageError | undefined {
  const code = (error as { code?: unknown } | undefined)?.code
  if (typeof code !== 'string' || !contentEncoding) return undefined
  const dataError =
    code === 'Z_DATA_ERROR' || code.startsWith('ERR__ERROR_FORMAT') || code.startsWith('ZSTD_error')
  if (!dataError) return undefined
  const label = contentEncoding.trim()
  return new PackageError(
    `The answer is labelled Content-Encoding: ${label} but is not ${label} data (${(error as Error).message}); nothing was kept.`,
    `Another attempt would get the same answer, so none was made; ${reencodedBy(proxy)}`,
    { cause: error }
  )
}

/**
 * HTTP's "deflate" is a zlib stream, yet some servers send raw deflate data: the first byte tells
 * them apart (a zlib header's low nibble is 8, the deflate method).
 */
class DeflateDecoder extends Transform {
  private inner: Transform | undefined

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (!this.inner) {
      const inner = (chunk[0] & 0x0f) === 8 ? createInflate() : createInflateRaw()
      inner.on('data', (data: Buffer) => {
        if (!this.push(data)) inner.pause()
      })
      inner.on('error', error => this.destroy(error))
      this.inner = inner
    }
    if (this.inner.write(chunk)) done()
    else this.inner.once('drain', () => done())
  }

  override _read(size: number): void {
    this.inner?.resume()
    super._read(size)
  }

  override _flush(done: TransformCallback): void {
    if (!this.inner) return done()
    this.inner.once('end', () => done())
    this.inner.end()
  }
}
