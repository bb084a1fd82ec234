import { exitWhenDone } from './core/step/exit.js'
import { run } from './dataminer/run.js'

exitWhenDone(await run())
