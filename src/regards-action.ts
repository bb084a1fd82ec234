import { exitWhenDone } from './core/step/exit.js'
import { run } from './regards/run.js'

exitWhenDone(await run())
