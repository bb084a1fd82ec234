// How the demo (scripts/demo.ts) prints: prose wrapped to the terminal, a step's inputs as a
// workflow shows them, its log as the Actions UI would, its outputs, summary and files.
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { formatBytes } from '../src/core/format.js'
import { decodeCommandMessage } from './run-action.js'
import { summaryToText } from './summary-text.js'

const WIDTH = Math.max(60, Math.min(100, process.stdout.columns || 100))

export function print(text = ''): void {
  console.log(text)
}

/** Word-wraps one line; continuation lines start with `hang` (default: the line's own indent). */
export function wrap(line: string, hang?: string): string[] {
  if (line.length <= WIDTH) return [line]
  const indent = /^\s*/.exec(line)?.[0] ?? ''
  const next = hang ?? indent + '  '
  const words = line.slice(indent.length).split(' ')
  const lines: string[] = []
  let current = indent
  for (const word of words) {
    const prefix = lines.length === 0 ? indent : next
    if (current.length > prefix.length && current.length + 1 + word.length > WIDTH) {
      lines.push(current)
      current = next + word
    } else {
      current += current.length > prefix.length ? ` ${word}` : word
    }
  }
  lines.push(current)
  return lines
}

/** Prose, wrapped, every line at the same indent. */
export function say(text: string, indent = ''): void {
  for (const line of wrap(indent + text, indent)) print(line)
}

export function heading(text: string): void {
  print()
  print(`── ${text} ${'─'.repeat(Math.max(3, WIDTH - text.length - 4))}`)
}

export function subheading(text: string): void {
  print()
  print(`  ${text}`)
}

/** The step's inputs, as they would appear in a workflow. */
export function printInputs(
  inputs: Record<string, string>,
  comments: Record<string, string> = {},
  uses = './          # the committed dist/index.js'
): void {
  print(`    - uses: ${uses}`)
  print('      with:')
  for (const [name, value] of Object.entries(inputs)) {
    const comment = comments[name] ? `   # ${comments[name]}` : ''
    if (value.includes('\n')) {
      print(`        ${name}: |${comment}`)
      for (const line of value.split('\n')) print(`          ${line}`)
    } else {
      print(`        ${name}: ${value}${comment}`)
    }
  }
}

/** Prints the action's stdout as the Actions log would show it, live. */
export function makeLogPrinter(): (line: string) => void {
  const indent = '    '
  let inGroup = false
  return line => {
    const command = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line)
    if (command) {
      const [, name, message] = command
      switch (name) {
        case 'group':
          inGroup = true
          print(`${indent}┌─ ${decodeCommandMessage(message)}`)
          return
        case 'endgroup':
          if (inGroup) print(`${indent}└─`)
          inGroup = false
          return
        case 'warning':
        case 'error':
        case 'notice':
          line = `${name.toUpperCase()}: ${decodeCommandMessage(message)}`
          break
        default:
          return // ::debug::, ::add-mask:: and other runner commands are not shown
      }
    }
    const bar = inGroup ? '│ ' : ''
    for (const part of line.split('\n')) {
      for (const wrapped of wrap(`${indent}${bar}${part}`, `${indent}${bar}    `)) print(wrapped)
    }
  }
}

export function printOutputs(outputs: Record<string, string>): void {
  const names = Object.keys(outputs)
  if (names.length === 0) {
    print('    (none)')
    return
  }
  const width = Math.max(...names.map(name => name.length))
  for (const name of names) {
    const label = `    ${name.padEnd(width)}  `
    const value = outputs[name]
    const list =
      name === 'deployments' || name === 'files' ? (JSON.parse(value) as unknown[]) : undefined
    if (list) {
      print(`${label}[`)
      list.forEach((entry, index) => {
        const comma = index < list.length - 1 ? ',' : ''
        print(`${' '.repeat(label.length + 2)}${JSON.stringify(entry)}${comma}`)
      })
      print(`${' '.repeat(label.length)}]`)
    } else {
      print(`${label}${value}`)
    }
  }
}

export function printSummary(html: string): void {
  const lines = summaryToText(html)
  if (lines.length === 0) {
    print('    (empty)')
    return
  }
  for (const line of lines) {
    const listItem = line.startsWith('- ')
    if (line === '') print()
    // `Label: value` rows stay whole; list items hang under their text, paragraphs are flush.
    else if (/^\s*\S[^:]{0,40}: /.test(line) && !listItem) print(`    ${line}`)
    else for (const wrapped of wrap(`    ${line}`, listItem ? '      ' : '    ')) print(wrapped)
  }
}

/** Files under a folder, relative, with their sizes. */
export function listFiles(dir: string): { name: string; size: number }[] {
  const found: { name: string; size: number }[] = []
  const walk = (current: string, prefix: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name
      const full = path.join(current, entry.name)
      if (entry.isDirectory()) walk(full, relative)
      else found.push({ name: relative, size: statSync(full).size })
    }
  }
  if (existsSync(dir)) walk(dir, '')
  return found.sort((a, b) => a.name.localeCompare(b.name))
}

/** The files under a folder, each subfolder named once above its files. */
export function printFolder(dir: string, indent = '    '): void {
  const files = listFiles(dir)
  if (files.length === 0) print(`${indent}(empty)`)
  let currentFolder = ''
  for (const file of files) {
    const folder = path.posix.dirname(file.name)
    const inFolder = folder !== '.'
    if (inFolder && folder !== currentFolder) print(`${indent}${folder}/`)
    currentFolder = inFolder ? folder : ''
    const name = inFolder ? `  ${path.posix.basename(file.name)}` : file.name
    print(`${indent}${name}  (${formatBytes(file.size)})`)
  }
}

export function printWorkspace(workspace: string): void {
  print(`    ${workspace}/`)
  for (const entry of readdirSync(workspace, { withFileTypes: true })) {
    const full = path.join(workspace, entry.name)
    if (entry.isDirectory()) {
      print(`      ${entry.name}/  (folder, ${listFiles(full).length} files)`)
    } else {
      print(`      ${entry.name}  (${formatBytes(statSync(full).size)})`)
    }
  }
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}
