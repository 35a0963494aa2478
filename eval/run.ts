import { parseEvalArgs, usage, UsageError, type EvalCommand } from './args.js'
import { CasesInvalidError } from './cases.js'
import { FileInvalidError } from './tickets.js'
import { checkThresholds, readThresholds } from './thresholds.js'

/**
 * `npm run eval`: the project's eval set with gates, or an external labelled file (--train/--test,
 * --cv). Exit codes: 0 fine, 1 a gate missed (or a crash), 2 bad arguments or an invalid input file.
 * Only results go to stdout; progress goes to stderr.
 */
const log = (line: string) => process.stderr.write(`${line}\n`)
const print = (text: string) => process.stdout.write(`${text}\n`)

async function main(command: EvalCommand): Promise<number> {
  if (command.mode === 'help') {
    print(usage)
    return 0
  }
  const started = performance.now()
  // CPU time beside wall time: on a shared machine the wall time says more about the neighbours.
  const seconds = () => {
    const { user, system } = process.cpuUsage()
    return `${((performance.now() - started) / 1000).toFixed(1)} s wall, ${((user + system) / 1e6).toFixed(1)} s CPU`
  }
  // The pipeline's modules load only once the arguments are known to be good: a usage error is instant.
  if (command.mode === 'signal-cv' || command.mode === 'signal-files') {
    const { crossValidateSignal, readSignalFile, trainTestSignal } = await import('./signals.js')
    const result =
      command.mode === 'signal-cv'
        ? crossValidateSignal(await readSignalFile(command.file, command.signal), command.signal, command.folds, command.seed, log)
        : trainTestSignal(
            await readSignalFile(command.train, command.signal),
            await readSignalFile(command.test, command.signal),
            command.signal,
          )
    print(command.json ? JSON.stringify(result) : JSON.stringify(result, null, 2))
    log(`done in ${seconds()}`)
    return 0
  }
  if (command.mode === 'files' || command.mode === 'cv') {
    const { runCrossValidation, runTrainTest } = await import('./external.js')
    const result = command.mode === 'files' ? await runTrainTest(command, log) : await runCrossValidation(command, log)
    print(command.json ? JSON.stringify(result) : JSON.stringify(result, null, 2))
    log(`done in ${seconds()}`)
    return 0
  }
  const checks = await readThresholds(command.thresholdsFile).catch((error: Error) => {
    throw new FileInvalidError(error.message)
  })
  const { runProjectEval } = await import('./project.js')
  const { formatTable, writeProjectReport } = await import('./report.js')
  const measured = await runProjectEval({ casesFile: command.casesFile, casesOnly: command.casesOnly, log })
  const report = { ...measured, thresholds: checkThresholds(measured, checks) }
  if (command.outDir) log(`wrote ${(await writeProjectReport(command.outDir, report)).join(', ')}`)
  print(command.json ? JSON.stringify(report) : formatTable(report))
  const failed = report.thresholds.filter((check) => !check.passed)
  log(`done in ${seconds()}`)
  if (failed.length) log(`${failed.length} gate(s) missed: ${failed.map((check) => check.metric).join(', ')}`)
  return failed.length ? 1 : 0
}

async function run(): Promise<number> {
  try {
    return await main(parseEvalArgs(process.argv.slice(2)))
  } catch (error) {
    if (error instanceof UsageError) {
      log(`error: ${error.message}\n${usage}`)
      return 2
    }
    if (error instanceof CasesInvalidError || error instanceof FileInvalidError) {
      log(`error: ${error.message}`)
      return 2
    }
    log(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    return 1
  }
}

process.exitCode = await run()
