import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ensureDestinationFolder } from '../../src/core/files/destination-folder.js'
import { ActionError } from '../../src/core/step/errors.js'

let root: string
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'destination-'))
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

describe('ensureDestinationFolder', () => {
  it('creates missing folders, several levels deep, and accepts existing ones', async () => {
    const deep = path.join(root, 'a', 'b', 'c')
    await ensureDestinationFolder(deep)
    expect(statSync(deep).isDirectory()).toBe(true)
    await ensureDestinationFolder(deep)
    await ensureDestinationFolder(root)
  })

  it('accepts a link to a folder', async () => {
    mkdirSync(path.join(root, 'real'))
    symlinkSync(path.join(root, 'real'), path.join(root, 'link'))
    await expect(ensureDestinationFolder(path.join(root, 'link'))).resolves.toBeUndefined()
  })

  it('fails clearly when a file is in the way, and leaves it', async () => {
    writeFileSync(path.join(root, 'file'), 'mine')
    for (const target of [path.join(root, 'file'), path.join(root, 'file', 'below')]) {
      const error = await ensureDestinationFolder(target).catch(e => e)
      expect(error).toBeInstanceOf(ActionError)
      expect(error.message).toContain(`The folder for the download, ${target}, cannot be created`)
      expect(error.hint).toMatch(/Set path to a folder/)
    }
    expect(statSync(path.join(root, 'file')).isFile()).toBe(true)
  })

  // Node's own recursive mkdir never returns here: /proc answers ENOENT for a folder it cannot
  // hold. Linux only (CI runs on Linux; elsewhere /proc is an ordinary path).
  const onLinux = process.platform === 'linux' ? it : it.skip
  onLinux(
    'fails instead of hanging where mkdir answers ENOENT under an existing parent',
    async () => {
      const error = await ensureDestinationFolder('/proc/no-such-folder/below').catch(e => e)
      expect(error.message).toContain('cannot be created (ENOENT)')
    }
  )
})
