// undici is left out of the bundles (tsconfig.json's `paths` maps it to src/core/http/undici-unused.ts).
// That is right only while the toolkit uses undici for nothing on our path: these tests read the
// installed @actions/http-client to hold it to that, and the bundles to see undici is not in them.
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { ACTIONS } from '../../scripts/actions.js'
import { ROOT } from '../../scripts/run-action.js'
import { ProxyAgent } from '../../src/core/http/undici-unused.js'
import { listFiles } from '../helpers/run-bundle.js'

const HTTP_CLIENT = path.join(ROOT, 'node_modules', '@actions', 'http-client', 'lib')

function sourcesOf(folder: string): string[] {
  const dir = path.join(ROOT, folder)
  return readdirSync(dir)
    .filter(name => name.endsWith('.js.map'))
    .flatMap(
      name =>
        (JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as { sources: string[] }).sources
    )
}

/** The body of a class method, from its name to the closing brace at its own indentation. */
function methodBody(code: string, name: string): string {
  const start = new RegExp(`^( *)${name}\\(.*\\) \\{$`, 'm').exec(code)
  if (!start) throw new Error(`no method ${name}`)
  const end = code.indexOf(`\n${start[1]}}`, start.index)
  return code.slice(start.index, end)
}

describe('undici, left out of the bundle', () => {
  const folders = ACTIONS.flatMap(action => [
    action.dist,
    path.join('.tmp', 'test-bundle', action.name)
  ])

  it.each(folders)('is in no file of %s', folder => {
    const sources = sourcesOf(folder)
    expect(sources.some(source => source.includes('@actions/http-client/'))).toBe(true)
    expect(sources.filter(source => source.includes('/undici/'))).toEqual([])
    expect(sources.some(source => source.endsWith('src/core/http/undici-unused.ts'))).toBe(true)
  })

  it('is imported by @actions/http-client for the ProxyAgent of getAgentDispatcher() alone', () => {
    const files = readdirSync(HTTP_CLIENT).filter(name => name.endsWith('.js'))
    const imports = files.flatMap(name =>
      [
        ...readFileSync(path.join(HTTP_CLIENT, name), 'utf8').matchAll(
          /^import (.*) from 'undici';$/gm
        )
      ].map(([, what]) => `${name}: ${what}`)
    )
    expect(imports).toEqual(['index.js: { ProxyAgent }'])

    const code = readFileSync(path.join(HTTP_CLIENT, 'index.js'), 'utf8')
    const uses = code
      .split('\n')
      .filter(line => /\bProxyAgent\b/.test(line) && !line.startsWith('import '))
    expect(uses).toHaveLength(1)
    expect(methodBody(code, '_getProxyAgentDispatcher')).toContain(uses[0])
    const callers = code.split('\n').filter(line => line.includes('this._getProxyAgentDispatcher('))
    expect(callers).toHaveLength(1)
    expect(methodBody(code, 'getAgentDispatcher')).toContain(callers[0])
  })

  it('stands in for a getAgentDispatcher() that nothing in src/ calls', () => {
    const src = path.join(ROOT, 'src')
    const callers = listFiles(src).filter(file =>
      readFileSync(path.join(src, file), 'utf8').includes('getAgentDispatcher')
    )
    expect(callers).toEqual(['core/http/undici-unused.ts'])
    expect(() => new ProxyAgent()).toThrow(/undici is left out of this bundle.*getAgentDispatcher/)
  })
})
