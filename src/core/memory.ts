// Keeps the step's memory flat while it streams hundreds of megabytes: after every MiB passed
// through, a minor garbage collection frees the Buffers of the chunks already handled. Why, and
// what was measured: docs/decisions/0002-collect-garbage-while-streaming.md.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

const COLLECT_EVERY_BYTES = 1024 * 1024

type Collect = (options: { type: 'minor' | 'major' }) => void

let collect: Collect | undefined
let sinceLastCollection = 0

/**
 * Counts `bytes` of streamed data as handled, and asks for a minor collection once a MiB has
 * passed since the last one. Call it once per chunk, at one stage of a pipeline only.
 */
export function collectAfterStreaming(bytes: number): void {
  sinceLastCollection += bytes
  if (sinceLastCollection < COLLECT_EVERY_BYTES) return
  sinceLastCollection = 0
  collect ??= exposeGc()
  collect?.({ type: 'minor' })
}

/**
 * V8's gc(), reached the documented way without starting Node with --expose-gc. Only when first
 * needed: the flag then holds for the whole process, so a step that streams nothing leaves it off.
 */
function exposeGc(): Collect | undefined {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as Collect | undefined
}
