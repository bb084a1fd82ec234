// The repository's documents name things that exist: the tests SECURITY.md cites, the commands
// CONTRIBUTING.md gives, the fault types it lists, the licence package.json declares.
import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { FAULT_SPECS } from '../../emulator/fault-args.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8')
const oneLine = (text: string): string => text.replace(/\s+/g, ' ')

describe('SECURITY.md', () => {
  const security = oneLine(read('SECURITY.md'))
  const citations = [...security.matchAll(/`(__tests__\/[^`]+)`(?: \(([^)]*)\))?/g)].map(
    ([, file, names = '']) => ({
      file,
      names: [...names.matchAll(/"([^"]+)"/g)].map(([, name]) => name)
    })
  )

  it('cites test files that exist', () => {
    expect(citations.length).toBeGreaterThan(10)
    const missing = citations.filter(({ file }) => !existsSync(path.join(ROOT, file)))
    expect(missing).toEqual([])
  })

  it('quotes the titles of tests that are in the files it names', () => {
    const quoted = citations.flatMap(({ file, names }) => names.map(name => ({ file, name })))
    expect(quoted.length).toBeGreaterThan(15)
    const missing = quoted.filter(
      ({ file, name }) => !file.endsWith('/') && !oneLine(read(file)).includes(`it('${name}'`)
    )
    expect(missing).toEqual([])
  })

  it('names the helper that checks the key is masked and never written', () => {
    expect(security).toContain('`expectNoKeyLeak` in `__tests__/helpers/emulator-fixture.ts`')
    expect(read('__tests__/helpers/emulator-fixture.ts')).toContain(
      'export function expectNoKeyLeak('
    )
  })
})

describe('CONTRIBUTING.md', () => {
  const contributing = read('CONTRIBUTING.md')
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts

  it('gives only npm scripts that exist', () => {
    const named = [...contributing.matchAll(/npm run ([\w:-]+)/g)].map(([, script]) => script)
    expect(new Set(named).size).toBeGreaterThan(10)
    expect(named.filter(script => !(script in scripts))).toEqual([])
  })

  it("lists only fault types the emulator has, in its fault table's first column", () => {
    const rows = contributing
      .split('\n')
      .filter(line => /^\| `[a-z-]+[=[`]/.test(line))
      .map(line => /^\| `([a-z-]+)/.exec(line)?.[1])
    expect(rows.length).toBeGreaterThan(5)
    expect(rows.filter(type => !(type! in FAULT_SPECS))).toEqual([])
  })
})

describe('LICENSE', () => {
  it("is the MIT licence package.json declares, held by action.yml's author", () => {
    const license = read('LICENSE')
    const pkg = JSON.parse(read('package.json')) as { license: string }
    const action = parse(read('action.yml')) as { author: string }
    expect(pkg.license).toBe('MIT')
    expect(license).toMatch(/^MIT License\n/)
    expect(license).toContain(`Copyright (c) 2026 ${action.author}\n`)
  })
})
