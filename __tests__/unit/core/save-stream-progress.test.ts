// The streamed download logs its progress from the clock it is given: a slow body (the clock
// moving 3 s per chunk) gets lines, a fast one none. No real time passes.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import * as core from '../../../__fixtures__/core.js'

jest.unstable_mockModule('@actions/core', () => core)
const { saveBodyToTempFile } = await import('../../../src/core/files/save-stream.js')
const { CancelScope } = await import('../../../src/core/step/cancel-scope.js')

const CHUNK = 64 * 1024
const CHUNKS = 40
const body = Buffer.alloc(CHUNK * CHUNKS, 7)

let dir: string
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'save-progress-'))
  core.info.mockClear()
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function response(headers: Record<string, string>): IncomingMessage {
  const chunks = Array.from({ length: CHUNKS }, (_, i) => body.subarray(i * CHUNK, (i + 1) * CHUNK))
  return Object.assign(Readable.from(chunks), {
    statusCode: 200,
    headers
  }) as unknown as IncomingMessage
}

/** A clock that moves `msPerRead` every time it is read. */
function movingClock(msPerRead: number) {
  let now = 0
  return { now: () => (now += msPerRead) }
}

const progressLines = () => core.infoLines().filter(line => line.startsWith('Received '))

describe('saveBodyToTempFile progress', () => {
  it('logs a line at most every 10 s of a slow transfer, with its total', async () => {
    const saved = await saveBodyToTempFile(
      response({ 'content-length': String(body.length) }),
      dir,
      60_000,
      new CancelScope(),
      { clock: movingClock(3000) }
    )
    expect(readFileSync(saved.tempPath).equals(body)).toBe(true)
    const lines = progressLines()
    // The clock is read at the start and once per chunk, 3 s later each time: a line every 4th
    // chunk (12 s after the one before), 10 lines for 40 chunks.
    expect(lines).toHaveLength(10)
    expect(lines[0]).toBe('Received 256.0 KiB of 2.5 MiB (10.0 %), 21.3 KiB/s, about 108 s left')
    expect(lines.at(-1)).toMatch(/^Received 2\.5 MiB of 2\.5 MiB \(100\.0 %\), /)
  })

  it('logs nothing for a fast transfer', async () => {
    await saveBodyToTempFile(
      response({ 'content-length': String(body.length) }),
      dir,
      60_000,
      new CancelScope(),
      { clock: movingClock(100) }
    )
    expect(progressLines()).toEqual([])
  })
})
