// The step summary (HTML) as a person reads it once GitHub has rendered it: headings underlined,
// tables as aligned `Label: value` lines, links with their address. For the demo, and for the
// test that looks at the summary of every kind of failure.
import { decodeEntities } from '../src/core/http/describe-body.js'

/** Text that survives the final pass: tags stripped, then entities decoded. */
function asText(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, '')).trim()
}

function reencode(text: string): string {
  return text.replace(/[&<>]/g, c => `&#${c.charCodeAt(0)};`)
}

/** A two-column table as aligned `Label: value` rows; a wider one as a block per row. */
function tableToText(tableHtml: string): string {
  const rows = [...tableHtml.matchAll(/<tr[^>]*>(.*?)<\/tr>/gis)].map(row => ({
    header: /<th[\s>]/i.test(row[1]) && !/<td[\s>]/i.test(row[1]),
    cells: [...row[1].matchAll(/<(th|td)[^>]*>(.*?)<\/\1>/gis)].map(cell => asText(cell[2]))
  }))
  const header = rows.find(row => row.header)?.cells ?? []
  const body = rows.filter(row => !row.header).map(row => row.cells)
  const lines: string[] = []
  if (body.every(cells => cells.length <= 2)) {
    const width = Math.max(0, ...body.map(cells => cells[0]?.length ?? 0))
    for (const [label = '', value = ''] of body)
      lines.push(`${`${label}:`.padEnd(width + 1)} ${value}`)
  } else {
    for (const cells of body) {
      lines.push(`${header[0] ?? ''} ${cells[0] ?? ''}`.trim())
      cells.slice(1).forEach((cell, index) => {
        lines.push(`  ${header[index + 1] ?? `Column ${index + 2}`}: ${cell}`)
      })
    }
  }
  return lines.map(reencode).join('\n')
}

/** The step summary as readable lines: headings underlined, tables as `Label: value` lines. */
export function summaryToText(html: string): string[] {
  let text = html.replace(/\r?\n/g, ' ')
  text = text.replace(
    /<a\s[^>]*href="([^"]*)"[^>]*>(.*?)<\/a>/gis,
    (_, href: string, label: string) => `${label} (${href})`
  )
  text = text.replace(/<table[^>]*>(.*?)<\/table>/gis, (_, table: string) => {
    return `\n${tableToText(table)}\n\n`
  })
  text = text.replace(/<h([1-6])[^>]*>(.*?)<\/h\1>/gis, (_, level: string, inner: string) => {
    const title = asText(inner)
    const underline = `\n${(Number(level) <= 2 ? '=' : '-').repeat(title.length)}`
    return `\n\n${reencode(title)}${underline}\n`
  })
  text = text.replace(/<summary[^>]*>(.*?)<\/summary>/gis, '\n$1:')
  text = text.replace(/<li[^>]*>/gi, '\n- ')
  // A list item starts a line; the list itself adds no blank line after its title.
  text = text.replace(/<br\s*\/?>|<\/(p|div|ul|ol|details)>|<(p|details)[^>]*>/gi, '\n')
  text = decodeEntities(text.replace(/<[^>]*>/g, ''))
  const lines: string[] = []
  for (const raw of text.split('\n')) {
    // A single leading space is a newline of the HTML; two are a table block's own indent.
    const line = raw.trimEnd().replace(/^ (?=\S)/, '')
    if (line === '' && (lines.length === 0 || lines[lines.length - 1] === '')) continue
    lines.push(line)
  }
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  return lines
}
