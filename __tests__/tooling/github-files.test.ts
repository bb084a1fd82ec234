// The repository's GitHub files pass `npm run lint:actions`, and its checks catch what they are for.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  MAX_DESCRIPTION_LENGTH,
  githubFiles,
  lintGithubFiles,
  lintText
} from '../../scripts/lint-actions.js'

const SHA = '3d3c42e5aac5ba805825da76410c181273ba90b1'

function action(description: string, using = 'node24'): string {
  return [
    "name: 'Sample'",
    `description: '${description}'`,
    'runs:',
    `  using: '${using}'`,
    "  main: 'dist/index.js'",
    ''
  ].join('\n')
}

function workflow(steps: string[], options: { top?: string; job?: string } = {}): string {
  return [
    'on: push',
    options.top ?? 'permissions: {}',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    options.job ?? '    permissions:\n      contents: read',
    '    steps:',
    ...steps.map(step => `      - ${step}`),
    ''
  ].join('\n')
}

const messages = (file: string, text: string, schema: Parameters<typeof lintText>[2]) =>
  lintText(file, text, schema).map(problem => problem.message)

describe('the repository', () => {
  it('checks action.yml, every workflow, dependabot.yml and the issue templates', () => {
    const files = githubFiles().map(({ file }) => file)
    expect(files).toEqual(
      expect.arrayContaining([
        'action.yml',
        '.github/workflows/ci.yml',
        '.github/workflows/codeql.yml',
        '.github/dependabot.yml',
        '.github/ISSUE_TEMPLATE/bug_report.yml',
        '.github/ISSUE_TEMPLATE/feature_request.yml',
        '.github/ISSUE_TEMPLATE/config.yml'
      ])
    )
  })

  it('has GitHub files with no problem', async () => {
    expect(await lintGithubFiles()).toEqual([])
  })
})

describe('action.yml', () => {
  it(`refuses a description over ${MAX_DESCRIPTION_LENGTH} characters`, () => {
    const fits = 'x'.repeat(MAX_DESCRIPTION_LENGTH)
    expect(messages('action.yml', action(fits), 'github-action')).toEqual([])
    expect(messages('action.yml', action(`${fits}y`), 'github-action')).toEqual([
      'the description is 126 characters long; the Marketplace takes at most 125'
    ])
  })

  it('takes node24 and refuses a runtime GitHub does not have', () => {
    expect(messages('action.yml', action('ok', 'node24'), 'github-action')).toEqual([])
    expect(messages('action.yml', action('ok', 'node99'), 'github-action')).toEqual([
      'does not follow the github-action schema: /runs/using must be equal to one of the allowed values (node12, node16, node20, node24)'
    ])
  })

  it('refuses what is not YAML', () => {
    expect(messages('action.yml', 'name: [unclosed', 'github-action')).toEqual([
      expect.stringMatching(/^not valid YAML/)
    ])
  })
})

describe('workflows', () => {
  it('take actions pinned to a full SHA with the tag in a comment, and local actions', () => {
    const text = workflow([`uses: actions/checkout@${SHA} # v7.0.1`, 'uses: ./'])
    expect(messages('w.yml', text, 'github-workflow')).toEqual([])
  })

  it('refuse an action used by tag or branch, or by SHA without its tag', () => {
    const text = workflow([
      'uses: actions/checkout@v5',
      `uses: actions/setup-node@${SHA.slice(0, 12)} # v7.0.0`,
      `uses: github/codeql-action/init@${SHA}`
    ])
    expect(lintText('w.yml', text, 'github-workflow')).toEqual([
      expect.objectContaining({
        line: 9,
        message: expect.stringMatching(/'actions\/checkout@v5' is not pinned/)
      }),
      expect.objectContaining({
        line: 10,
        message: expect.stringMatching(/'actions\/setup-node@3d3c42e5aac5' is not pinned/)
      }),
      expect.objectContaining({ line: 11, message: expect.stringMatching(/no '# vX.Y.Z'/) })
    ])
  })

  it('refuse permissions granted to every job, and a job that does not state its own', () => {
    const step = 'run: echo hi'
    expect(messages('w.yml', workflow([step], { top: '' }), 'github-workflow')).toEqual([
      "set 'permissions: {}' at the top of the workflow, and give each job its own"
    ])
    expect(
      messages(
        'w.yml',
        workflow([step], { top: 'permissions:\n  contents: write' }),
        'github-workflow'
      )
    ).toHaveLength(1)
    expect(messages('w.yml', workflow([step], { job: '' }), 'github-workflow')).toEqual([
      "job 'build' does not say which permissions it needs"
    ])
    expect(
      messages('w.yml', workflow([step], { job: '    permissions: write-all' }), 'github-workflow')
    ).toEqual(["job 'build' has 'permissions: write-all'; list the scopes it needs"])
  })

  it('refuse what the workflow schema does not allow', () => {
    const text = workflow(['run: echo hi']).replace('runs-on:', 'runs-onn:')
    expect(messages('w.yml', text, 'github-workflow').join('\n')).toMatch(/github-workflow schema/)
  })
})

describe('actionlint', () => {
  let root: string
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'lint-actions-'))
    mkdirSync(path.join(root, '.github', 'workflows'), { recursive: true })
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('finds what only it knows: an expression that names nothing', async () => {
    const file = '.github/workflows/w.yml'
    writeFileSync(path.join(root, file), workflow(['run: echo ${{ matrix.missing }}']))
    expect(await lintGithubFiles([{ file, schema: 'github-workflow' }], root)).toEqual([
      { file, line: 9, message: expect.stringMatching(/^actionlint: property "missing"/) }
    ])
  })
})

describe('dependabot.yml', () => {
  it('refuses an update without a schedule', () => {
    const text = 'version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n'
    expect(messages('.github/dependabot.yml', text, 'dependabot-2.0').join('\n')).toMatch(
      /schedule/
    )
  })
})
