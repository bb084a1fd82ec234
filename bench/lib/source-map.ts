// Which package each byte of the bundle comes from, by its source map (version 3): every
// generated range between two mapping segments belongs to the segment's source file.

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const DIGIT = new Map([...BASE64].map((char, value) => [char, value]))

interface SourceMapV3 {
  version: number
  sources: string[]
  mappings: string
}

/** Per generated line, its segments as [column, source index] (source -1: maps to nothing). */
export function decodeMappings(mappings: string): Array<Array<[number, number]>> {
  const lines: Array<Array<[number, number]>> = [[]]
  let column = 0
  let source = 0
  const fields: number[] = []
  let value = 0
  let shift = 0
  const endSegment = (): void => {
    if (fields.length > 0) {
      column += fields[0]
      if (fields.length > 1) source += fields[1]
      // Fields 3 to 5 (original line, column, name) are relative too, but not needed here.
      lines[lines.length - 1].push([column, fields.length > 1 ? source : -1])
    }
    fields.length = 0
  }
  for (const char of mappings) {
    if (char === ',' || char === ';') {
      endSegment()
      if (char === ';') {
        lines.push([])
        column = 0
      }
      continue
    }
    const digit = DIGIT.get(char)
    if (digit === undefined) throw new Error(`Invalid source map character '${char}'`)
    value += (digit & 31) << shift
    if (digit & 32) {
      shift += 5
      continue
    }
    fields.push(value & 1 ? -(value >>> 1) : value >>> 1)
    value = 0
    shift = 0
  }
  endSegment()
  return lines
}

/** The npm package (or other origin) of a source path as webpack/ncc writes it. */
export function originOf(source: string): string {
  const inModules = source.lastIndexOf('node_modules/')
  if (inModules >= 0) {
    const [first, second] = source.slice(inModules + 'node_modules/'.length).split('/')
    return first.startsWith('@') ? `${first}/${second}` : first
  }
  const clean = source.replace(/^(\.\.?\/)+/, '')
  if (clean.startsWith('src/')) return 'src/ (the action itself)'
  if (clean.startsWith('webpack/')) return 'webpack runtime'
  if (clean.startsWith('external ')) return 'imports of Node built-ins'
  return clean
}

export const UNMAPPED = 'no source (bundler glue)'

/** UTF-8 bytes of `code` per origin (see originOf), all bytes counted once. */
export function bytesByOrigin(code: string, map: SourceMapV3): Map<string, number> {
  const totals = new Map<string, number>()
  const add = (origin: string, text: string): void => {
    if (text) totals.set(origin, (totals.get(origin) ?? 0) + Buffer.byteLength(text))
  }
  const mappings = decodeMappings(map.mappings)
  const origins = map.sources.map(originOf)
  code.split('\n').forEach((line, index, all) => {
    const segments = [...(mappings[index] ?? [])].sort((a, b) => a[0] - b[0])
    let origin = UNMAPPED
    let from = 0
    for (const [column, source] of segments) {
      add(origin, line.slice(from, column))
      origin = source >= 0 ? (origins[source] ?? UNMAPPED) : UNMAPPED
      from = column
    }
    add(origin, line.slice(from) + (index < all.length - 1 ? '\n' : ''))
  })
  return totals
}
