// The subset of Lucene's query syntax the emulator's legacy search understands:
//   field:value        the field equals the value (an array field: one of its elements does)
//   field:"a value"    a quoted value, taken as written
//   field:DATA-06*     `*` any run of characters, `?` one character
//   value              a term with no field matches label, providerId or id
//   *:* or an empty q  everything
//   a AND b, a OR b, NOT a, a b (implicit OR, Lucene's default), ( … )
// Matching is case-sensitive, as on REGARDS's keyword fields. Anything else is a syntax error.

export type Query =
  | { kind: 'all' }
  | { kind: 'term'; field: string | undefined; pattern: string }
  | { kind: 'and' | 'or'; left: Query; right: Query }
  | { kind: 'not'; query: Query }

export class QuerySyntaxError extends Error {}

type Token = { type: 'word'; text: string; quoted: boolean } | { type: '(' } | { type: ')' }

export function parseQuery(text: string): Query {
  const tokens = tokenize(text)
  if (tokens.length === 0) return { kind: 'all' }
  let at = 0
  const peekWord = (word: string): boolean => {
    const token = tokens[at]
    return token?.type === 'word' && !token.quoted && token.text === word
  }

  const parseOr = (): Query => {
    let left = parseAnd()
    while (at < tokens.length && tokens[at].type !== ')') {
      if (peekWord('OR')) at++
      left = { kind: 'or', left, right: parseAnd() }
    }
    return left
  }
  const parseAnd = (): Query => {
    let left = parseNot()
    while (peekWord('AND')) {
      at++
      left = { kind: 'and', left, right: parseNot() }
    }
    return left
  }
  const parseNot = (): Query => {
    if (peekWord('NOT')) {
      at++
      return { kind: 'not', query: parseNot() }
    }
    return parsePrimary()
  }
  const parsePrimary = (): Query => {
    const token = tokens[at++]
    if (token === undefined) throw new QuerySyntaxError(`'${text}' ends too early`)
    if (token.type === '(') {
      const inner = parseOr()
      if (tokens[at++]?.type !== ')') throw new QuerySyntaxError(`unclosed '(' in '${text}'`)
      return inner
    }
    if (token.type === ')') throw new QuerySyntaxError(`unexpected ')' in '${text}'`)
    return term(token.text, token.quoted, text)
  }

  const query = parseOr()
  if (at < tokens.length) throw new QuerySyntaxError(`unexpected ')' in '${text}'`)
  return query
}

function term(word: string, quoted: boolean, text: string): Query {
  if (quoted) return { kind: 'term', field: undefined, pattern: escapeWildcards(word) }
  if (word === '*:*' || word === '*') return { kind: 'all' }
  const colon = word.indexOf(':')
  if (colon === -1) return { kind: 'term', field: undefined, pattern: word }
  const field = word.slice(0, colon)
  const rest = word.slice(colon + 1)
  if (field === '') throw new QuerySyntaxError(`a term has no field before ':' in '${text}'`)
  if (rest.startsWith('"')) {
    return { kind: 'term', field, pattern: escapeWildcards(JSON.parse(rest) as string) }
  }
  if (rest === '') throw new QuerySyntaxError(`'${field}:' has no value in '${text}'`)
  return { kind: 'term', field, pattern: rest }
}

/** A quoted value has no wildcards: they are escaped for the matcher. */
function escapeWildcards(value: string): string {
  return value.replace(/[\\*?]/g, c => `\\${c}`)
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let at = 0
  while (at < text.length) {
    const c = text[at]
    if (/\s/.test(c)) {
      at++
    } else if (c === '(' || c === ')') {
      tokens.push(c === '(' ? { type: '(' } : { type: ')' })
      at++
    } else if (c === '"') {
      const end = closingQuote(text, at)
      tokens.push({ type: 'word', text: JSON.parse(text.slice(at, end + 1)), quoted: true })
      at = end + 1
    } else {
      let end = at
      while (end < text.length && !/[\s()]/.test(text[end])) {
        if (text[end] === '"') end = closingQuote(text, end)
        else if (text[end] === '\\') end++
        end++
      }
      tokens.push({ type: 'word', text: text.slice(at, end), quoted: false })
      at = end
    }
  }
  return tokens
}

function closingQuote(text: string, open: number): number {
  for (let at = open + 1; at < text.length; at++) {
    if (text[at] === '\\') at++
    else if (text[at] === '"') return at
  }
  throw new QuerySyntaxError(`unclosed '"' in '${text}'`)
}

/** Reads a field of the searched document; undefined when it has none. */
export type FieldReader = (field: string | undefined) => unknown

export function matches(query: Query, read: FieldReader): boolean {
  switch (query.kind) {
    case 'all':
      return true
    case 'and':
      return matches(query.left, read) && matches(query.right, read)
    case 'or':
      return matches(query.left, read) || matches(query.right, read)
    case 'not':
      return !matches(query.query, read)
    case 'term': {
      const regex = wildcardRegex(query.pattern)
      const value = read(query.field)
      const values = Array.isArray(value) ? value : [value]
      return values.some(v => v !== undefined && v !== null && regex.test(String(v)))
    }
  }
}

function wildcardRegex(pattern: string): RegExp {
  let source = ''
  for (let at = 0; at < pattern.length; at++) {
    const c = pattern[at]
    if (c === '\\' && at + 1 < pattern.length) source += escapeRegex(pattern[++at])
    else if (c === '*') source += '.*'
    else if (c === '?') source += '.'
    else source += escapeRegex(c)
  }
  return new RegExp(`^${source}$`, 's')
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
