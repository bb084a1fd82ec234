// Keeping the step's memory flat while it streams hundreds of megabytes.
//
// Every chunk read from a socket or a file is a new Buffer whose memory lives outside the V8
// heap. V8 frees it only in a garbage collection, and it starts one from the heap's own
// allocations, which streaming hardly makes. Node 24's V8 lets such memory grow to well over
// 100 MB before it collects (measured: 128 MB of Buffers for a 512 MiB download, 42 MB on
// Node 20). So after every megabyte passed through, a minor collection (which frees the young
// Buffers of the chunks already handled) is asked for. Collecting every 8 MiB instead left a
// 512 MiB download's peak about 12 MiB higher and was no faster (alternating runs, Node 24).
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

const COLLECT_EVERY_BYTES = 1024 * 1024

type Collect = (options: { type: 'minor' | 'major' }) => void

// The documented way to reach V8's gc() without starting Node with --expose-gc.
setFlagsFromString('--expose-gc')
const collect = runInNewContext('gc') as Collect | undefined

let sinceLastCollection = 0

/** Notes that `bytes` of streamed data were handled; now and then collects their Buffers. */
export function streamed(bytes: number): void {
  sinceLastCollection += bytes
  if (sinceLastCollection < COLLECT_EVERY_BYTES) return
  sinceLastCollection = 0
  collect?.({ type: 'minor' })
}
