// Preloaded into a Node process by the bench (NODE_OPTIONS=--import=<this file's URL>): when the
// process exits, writes its peak resident set size in KiB to the file BENCH_PEAK_RSS_FILE names.
// It reads VmHWM from /proc/self/status, the high-water mark of the memory of the program exec()
// started; process.resourceUsage().maxRSS would also count what the parent (the bench, holding
// the package) had when it forked, as ru_maxrss survives fork and exec. Elsewhere than Linux,
// maxRSS is the fallback, and the file says which one it holds.
import { readFileSync, writeFileSync } from 'node:fs'
import process from 'node:process'

const file = process.env.BENCH_PEAK_RSS_FILE
// Not passed on to any process this one starts: only this process is measured.
delete process.env.BENCH_PEAK_RSS_FILE
delete process.env.NODE_OPTIONS

function peakRss() {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))
    if (match) return `${match[1]} VmHWM`
  } catch {
    // not Linux
  }
  return `${process.resourceUsage().maxRSS} maxRSS`
}

if (file) process.on('exit', () => writeFileSync(file, peakRss()))
