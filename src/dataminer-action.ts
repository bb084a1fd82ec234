import { run } from './dataminer/run.js'

const { cancelled } = await run()
if (cancelled) process.exit()

// A server that stalls can leave a socket open after the step is done; it must not hold the job.
setTimeout(() => process.exit(), 2000).unref()
