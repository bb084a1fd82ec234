import { run } from './main.js'

await run()

// A server that stalls can leave a socket open after the step is done; it must not hold the job.
setTimeout(() => process.exit(), 2000).unref()
