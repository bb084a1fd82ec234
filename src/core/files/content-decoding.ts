import { Transform, type TransformCallback } from 'node:stream'
import * as zlib from 'node:zlib'
import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib'
import { PackageError } from './errors.js'

/**
 * The decoders that undo a Content-Encoding, in the order to apply them. The action asks for
 * `identity`, but a server or proxy may encode anyway; the package must be hashed and saved as the
 * Catalog holds it. Throws a PackageError for an encoding it cannot undo.
 */
export function decodersFor(contentEncoding: string | undefined): Transform[] {
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
        return unsupported(coding)
      default:
        return unsupported(coding)
    }
  })
}

function unsupported(coding: string): never {
  throw new PackageError(
    `The package arrived with Content-Encoding "${coding}", which the action cannot decode.`,
    'The action asks for an unencoded answer (Accept-Encoding: identity); a proxy between the runner ' +
      'and the API may have re-encoded it. Check the proxy settings.'
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
