// What the figures were measured on: the machine, Node, the date and the commit.
import { spawnSync } from 'node:child_process'
import os from 'node:os'
import { ROOT } from '../../scripts/run-action.js'
import { mib } from './format.js'

export interface Machine {
  cpu: string
  cores: number
  ramBytes: number
  os: string
  node: string
  date: string
  commit: string
  /** Paths with uncommitted changes (docs/benchmarks.md, which the bench writes, left out). */
  changes: string[]
  loadAverage: number[]
}

export function describeMachine(): Machine {
  const cpus = os.cpus()
  return {
    cpu: cpus[0]?.model.trim() || 'unknown CPU',
    cores: os.availableParallelism(),
    ramBytes: os.totalmem(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit: git('log', '-1', '--format=%h (committed %cs)') || 'unknown (not a git checkout)',
    // -z: NUL-separated "XY path" entries, names quoted as they are.
    changes: git('status', '--porcelain', '-z', '--untracked-files=no')
      .split('\0')
      .map(line => line.slice(3))
      .filter(file => file && file !== 'docs/benchmarks.md'),
    loadAverage: os.loadavg()
  }
}

export function loadAverage(values: number[] = os.loadavg()): string {
  return values.map(value => value.toFixed(2)).join(', ')
}

export function machineTable(machine: Machine): string[][] {
  return [
    ['CPU', `${machine.cpu}, ${machine.cores} cores`],
    ['RAM', mib(machine.ramBytes, 0)],
    ['OS', machine.os],
    ['Node', machine.node],
    ['Date', machine.date],
    [
      'Commit',
      machine.changes.length === 0
        ? machine.commit
        : `${machine.commit}, with uncommitted changes to ${machine.changes.join(', ')}`
    ]
  ]
}

function git(...args: string[]): string {
  const result = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' })
  // Only the trailing line break: a leading space of `git status` output is part of its XY.
  return result.status === 0 ? result.stdout.trimEnd() : ''
}
