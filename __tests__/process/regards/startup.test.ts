// A step that only rejects an input loads no @actions/core and no HTTP: the REGARDS bundle's
// entry holds neither; they come in the chunk of the work (perform.ts), loaded once the inputs
// are valid.
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { testBundleOf } from '../../../scripts/run-action.js'

const ENTRY = testBundleOf('regards')
const HEAVY = ['function setOutput(', 'class HttpClient ']

describe('the REGARDS bundle', () => {
  it('keeps @actions/core and the HTTP client out of its entry', () => {
    const entry = readFileSync(ENTRY, 'utf8')
    for (const marker of HEAVY) expect(entry).not.toContain(marker)
  })

  it('has them in a chunk of its own', () => {
    const dir = path.dirname(ENTRY)
    const chunks = readdirSync(dir)
      .filter(name => /^\d+\.index\.js$/.test(name))
      .map(name => readFileSync(path.join(dir, name), 'utf8'))
    for (const marker of HEAVY) expect(chunks.some(chunk => chunk.includes(marker))).toBe(true)
  })
})
