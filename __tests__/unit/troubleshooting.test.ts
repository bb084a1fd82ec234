// Each action's README has a troubleshooting table that names every error the action can print.
// This test reads the action's sources (the shared core, its own folder and its entry) for the
// messages errors are built from and fails when one has no row: a new error message needs its
// cause and fix in the README of every action that can print it.
import { describe, expect, it } from '@jest/globals'
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

// Calls whose first argument is (the start of) an error's message: error constructors, and the
// helpers that build one.
const MESSAGE_CALL = /\b(?:new \w*Error|super|make|conflict|notAPackage)\(\s*/g
// Messages put together in a variable first.
const MESSAGE_VARIABLE = /\bconst message =\s*/g
// Errors built by code that only passes another error's message on.
// Stands for what a message interpolates.
const VARIES = '\uE000'
const NOT_MESSAGES = new Set(['Error', 'URIError'])

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return entry.name.endsWith('.ts') ? [full] : []
  })
}

/** The string and template literals at `start`, joined by `+`, interpolations as VARIES. */
function literalsAt(source: string, start: number): string | undefined {
  let position = start
  let text = ''
  for (;;) {
    const quote = source[position]
    if (quote !== '`' && quote !== "'" && quote !== '"') break
    position++
    while (position < source.length && source[position] !== quote) {
      if (source[position] === '\\') {
        const escaped = source[position + 1]
        text += escaped === 'n' || escaped === 't' ? ' ' : escaped
        position += 2
      } else if (quote === '`' && source.startsWith('${', position)) {
        let depth = 0
        position++ // past '$'
        do {
          if (source[position] === '{') depth++
          if (source[position] === '}') depth--
          position++
        } while (depth > 0 && position < source.length)
        text += VARIES
      } else {
        text += source[position++]
      }
    }
    position++
    const plus = /^\s*\+\s*/.exec(source.slice(position))
    if (!plus) break
    position += plus[0].length
  }
  return text === '' ? undefined : text
}

/**
 * How a message starts, as the README shows it: its first eight words, what varies written as
 * `…` (`Catalog item … has no … to resolve "…"`), without what leads up to the first fixed text.
 */
function shape(text: string): string {
  return text
    .replace(/\uE000+/g, '…')
    .replace(/\s+/g, ' ')
    .replace(/^[…\s:.,;]+/, '')
    .split(' ')
    .slice(0, 8)
    .join(' ')
    .trim()
}

interface ActionEntry {
  name: string
  readme: string
  entry: string
}

const ACTIONS = (
  JSON.parse(readFileSync(path.join(ROOT, 'scripts', 'actions.json'), 'utf8')) as {
    actions: ActionEntry[]
  }
).actions

/** What an action's bundle is built from: the core, the action's own folder and its entry. */
function sourcesOf(action: ActionEntry): string[] {
  return [
    ...sourceFiles(path.join(ROOT, 'src', 'core')),
    ...sourceFiles(path.join(ROOT, 'src', action.name)),
    path.join(ROOT, action.entry)
  ]
}

/** How each error message in an action's sources starts. */
function messageFragments(action: ActionEntry): Map<string, string> {
  const fragments = new Map<string, string>()
  for (const file of sourcesOf(action)) {
    const source = readFileSync(file, 'utf8')
    for (const pattern of [MESSAGE_CALL, MESSAGE_VARIABLE]) {
      for (const match of source.matchAll(pattern)) {
        const callee = /new (\w+)/.exec(match[0])?.[1]
        if (callee && NOT_MESSAGES.has(callee)) continue
        const text = literalsAt(source, (match.index ?? 0) + match[0].length)
        if (text === undefined) continue
        const start = shape(text)
        if (start.length >= 10) fragments.set(start, path.relative(ROOT, file))
      }
    }
  }
  return fragments
}

function troubleshootingSection(action: ActionEntry): string {
  const readme = readFileSync(path.join(ROOT, action.readme), 'utf8')
  const start = readme.indexOf('## Troubleshooting')
  expect(start).toBeGreaterThan(-1)
  const end = readme.indexOf('\n## ', start + 1)
  return readme.slice(start, end < 0 ? undefined : end)
}

describe("the README's troubleshooting table", () => {
  const dataminer = ACTIONS.find(action => action.name === 'dataminer') as ActionEntry

  it('finds the messages it checks (the scan itself works)', () => {
    const fragments = messageFragments(dataminer)
    expect(fragments.size).toBeGreaterThan(30)
    expect([...fragments.keys()]).toEqual(
      expect.arrayContaining([
        'the API key was not accepted.',
        'is in the way of unpacking …: ….',
        "The Catalog's list of versions could not be"
      ])
    )
  })

  it.each(ACTIONS.map(action => [action.name, action] as const))(
    'has a row for every error message the %s action can print',
    (_name, action) => {
      // Spaces around what varies are the writer's choice: `valid: …` and `valid:…` are alike.
      const tight = (text: string) => text.replace(/\s*…\s*/g, '…')
      const section = tight(troubleshootingSection(action))
      const missing = [...messageFragments(action)].filter(
        ([fragment]) => !section.includes(tight(fragment))
      )
      expect(missing.map(([fragment, file]) => `${file}: ${fragment}`)).toEqual([])
    }
  )
})
