// The one table writer of the bench, and the Markdown document the sections fill.
import prettier from 'prettier'

export type Align = 'left' | 'right'

export interface Table {
  header: string[]
  rows: string[][]
  /** Per column; default: the first column left, the others right. */
  align?: Align[]
}

/** A Markdown table with its columns padded, so it reads as well in a terminal as rendered. */
export function markdownTable(table: Table): string {
  const align = table.header.map(
    (_, column) => table.align?.[column] ?? (column === 0 ? 'left' : 'right')
  )
  const cells = [table.header, ...table.rows].map(row => row.map(cell => escapeCell(cell)))
  const widths = table.header.map((_, column) =>
    Math.max(3, ...cells.map(row => [...(row[column] ?? '')].length))
  )
  const line = (row: string[]): string =>
    `| ${row
      .map((cell, column) =>
        align[column] === 'right' ? pad(cell, widths[column], true) : pad(cell, widths[column])
      )
      .join(' | ')} |`
  const rule = `| ${widths
    .map((width, column) =>
      align[column] === 'right' ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width)
    )
    .join(' | ')} |`
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n')
}

function pad(text: string, width: number, left = false): string {
  const fill = ' '.repeat(Math.max(0, width - [...text].length))
  return left ? fill + text : text + fill
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

/** Formats a Markdown document as the repository's Prettier settings do, so `npm run lint` passes. */
export async function formatMarkdown(text: string, file: string): Promise<string> {
  const config = (await prettier.resolveConfig(file)) ?? {}
  return prettier.format(text, { ...config, filepath: file, parser: 'markdown' })
}
