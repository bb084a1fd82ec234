// Server answers shown to people: an error page as its title or first words, a JSON error as its
// message, anything else as its first characters on one line. Never raw markup.

const MAX_LENGTH = 300
const MESSAGE_KEYS = ['message', 'title', 'error_description', 'error', 'detail'] as const

/** The start of a text on one line, at most `max` characters. */
export function snippet(text: string, max = MAX_LENGTH): string {
  const oneLine = text.replace(/[\s\p{Cc}]+/gu, ' ').trim()
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine
}

export function looksLikeHtml(text: string, contentType?: string): boolean {
  return (
    /html/i.test(contentType ?? '') || /^\s*(<!doctype html|<html|<head|<body|<title)/i.test(text)
  )
}

/** What an HTML page says: its title, else its first text, without tags or scripts. */
export function htmlText(html: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1]
  const heading = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html)?.[1]
  const body = html
    .replace(/<(script|style|head)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
  const parts = [title, heading].map(part => (part ? decodeEntities(stripTags(part)) : ''))
  const [titleText, headingText] = parts.map(part => snippet(part, 120))
  if (titleText && headingText && headingText !== titleText) return `${titleText}: ${headingText}`
  return titleText || headingText || snippet(decodeEntities(body), 200)
}

/** A short, readable rendering of an answer's body for an error message; '' for an empty one. */
export function describeBody(text: string, contentType?: string | string[]): string {
  const type = Array.isArray(contentType) ? contentType[0] : contentType
  if (text.trim() === '') return ''
  if (looksLikeHtml(text, type)) {
    const said = htmlText(text)
    return said ? `an HTML page: "${said}"` : 'an HTML page without text'
  }
  const message = jsonMessage(text)
  if (message !== undefined) return snippet(message)
  return snippet(text)
}

function jsonMessage(text: string): string | undefined {
  try {
    const json = JSON.parse(text) as unknown
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined
    const record = json as Record<string, unknown>
    for (const key of MESSAGE_KEYS) {
      const value = record[key]
      if (typeof value === 'string' && value.trim()) return value
    }
  } catch {
    return undefined
  }
  return undefined
}

function stripTags(text: string): string {
  return text.replace(/<[^>]*>/g, ' ')
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' '
}

/** Text with HTML character references (`&amp;`, `&#39;`, `&#x41;`) replaced by what they stand for. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code =
        name[1] === 'x' || name[1] === 'X'
          ? parseInt(name.slice(2), 16)
          : parseInt(name.slice(1), 10)
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff
        ? String.fromCodePoint(code)
        : whole
    }
    return ENTITIES[name.toLowerCase()] ?? whole
  })
}
