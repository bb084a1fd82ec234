// Answers Node's HTTP parser (llhttp) refuses: named for people, and final, since the same server
// sends the same bytes to another attempt.
import diagnostics from 'node:diagnostics_channel'
import type { ClientRequest, IncomingMessage } from 'node:http'
import { TransportError } from './errors.js'

/** What each llhttp error code means, as the action says it. */
const FLAWS: Record<string, string | ((reason: string) => string)> = {
  HPE_UNEXPECTED_CONTENT_LENGTH: reason =>
    /duplicate/i.test(reason)
      ? 'two Content-Length headers'
      : 'both Content-Length and Transfer-Encoding',
  HPE_INVALID_TRANSFER_ENCODING: reason =>
    /content-length/i.test(reason)
      ? 'both Content-Length and Transfer-Encoding'
      : 'a Transfer-Encoding that does not end in chunked',
  HPE_INVALID_HEADER_TOKEN: reason =>
    /whitespace/i.test(reason)
      ? 'a header folded onto the next line'
      : 'a header with a character HTTP does not allow',
  HPE_INVALID_CONTENT_LENGTH: 'a Content-Length that is not a number',
  HPE_INVALID_STATUS: 'a status line without a valid status code',
  HPE_INVALID_CONSTANT: 'an answer that does not start with HTTP/',
  HPE_INVALID_VERSION: 'an HTTP version that is not valid',
  HPE_INVALID_CHUNK_SIZE: 'a chunk size that is not a hexadecimal number',
  HPE_HEADER_OVERFLOW: 'headers larger than Node accepts (16 KiB)',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'chunk extensions larger than Node accepts',
  HPE_CR_EXPECTED: 'lines not ended by CR LF',
  HPE_LF_EXPECTED: 'lines not ended by CR LF',
  HPE_STRICT: 'lines not ended by CR LF',
  HPE_INVALID_EOF_STATE: 'an end in the middle of the headers'
}

interface ParseError extends Error {
  code: string
  reason?: string
}

function isParseError(error: unknown): error is ParseError {
  const code = (error as { code?: unknown } | undefined)?.code
  return error instanceof Error && typeof code === 'string' && code.startsWith('HPE_')
}

/** "two Content-Length headers (HPE_UNEXPECTED_CONTENT_LENGTH)"; undefined for other errors. */
export function describeParseError(error: unknown): string | undefined {
  if (!isParseError(error)) return undefined
  const reason = error.reason ?? error.message.replace(/^Parse Error:\s*/, '')
  const flaw = FLAWS[error.code]
  const text = typeof flaw === 'function' ? flaw(reason) : (flaw ?? reason)
  return `${text} (${error.code})`
}

/** The final error for an answer that is not valid HTTP; undefined when `error` is another. */
export function malformedAnswerError(
  error: unknown,
  host: string,
  proxy: string | undefined
): TransportError | undefined {
  const flaw = describeParseError(error)
  if (!flaw) return undefined
  const who = proxy
    ? `The proxy ${proxy} (from https_proxy or http_proxy) or the server behind it wrote it: check the proxy first, then report it to the server's operators.`
    : `Report it to the operators of ${host}.`
  return new TransportError(`The server's answer was not valid HTTP: ${flaw}.`, true, {
    cause: error,
    final: true,
    hint: `Node refuses such an answer, which tools can read in more than one way; another attempt would get the same, so none was made. ${who}`
  })
}

const parseErrors = new WeakMap<object, Error>()
let watching = false

/**
 * From now on, remembers the parse error of every HTTP request the process makes. A body the
 * parser refuses (a bad chunk size) shows on the answer only as an abort, and the error on the
 * request can come in the same packet as the head, before any caller could listen for it: so the
 * request is watched from its start (Node's `http.client.request.start` channel).
 */
export function rememberParseErrors(): void {
  if (watching) return
  watching = true
  diagnostics.subscribe('http.client.request.start', message => {
    const { request } = message as { request: ClientRequest }
    request.on('error', error => {
      if (isParseError(error) && !parseErrors.has(request)) parseErrors.set(request, error)
    })
  })
}

/** The parse error of the request an answer belongs to, if the parser refused its body. */
export function parseErrorOf(response: IncomingMessage): Error | undefined {
  const request = (response as IncomingMessage & { req?: ClientRequest }).req
  return request ? parseErrors.get(request) : undefined
}
