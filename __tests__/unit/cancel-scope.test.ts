import { describe, expect, it } from '@jest/globals'
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { CancelScope } from '../../src/core/step/cancel-scope.js'
import { CancelledError } from '../../src/core/step/errors.js'

describe('CancelScope', () => {
  it('aborts its signal with a CancelledError naming the signal', () => {
    const scope = new CancelScope()
    expect(scope.cancelled).toBe(false)
    expect(() => scope.throwIfCancelled()).not.toThrow()
    scope.cancel('SIGTERM')
    scope.cancel('SIGINT')
    expect(scope.signal.aborted).toBe(true)
    expect(scope.reason).toBeInstanceOf(CancelledError)
    expect(scope.reason?.signal).toBe('SIGTERM')
    expect(() => scope.throwIfCancelled()).toThrow(/cancelled \(SIGTERM\)/)
  })

  it('removes what is still listed, and only that', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'cancel-scope-'))
    const file = path.join(root, 'partial')
    const folder = path.join(root, 'staging')
    const done = path.join(root, 'final')
    writeFileSync(file, 'x')
    mkdirSync(path.join(folder, 'deep'), { recursive: true })
    writeFileSync(done, 'kept')
    const scope = new CancelScope()
    scope.track(file)
    scope.track(folder)
    scope.track(done)() // unlisted at once: it became final
    scope.track(path.join(root, 'never-created'))
    scope.removeAllNow()
    expect([existsSync(file), existsSync(folder), existsSync(done)]).toEqual([false, false, true])
  })
})
