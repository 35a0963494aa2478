// Trains the shipped escalation model into the model cache (node_modules/.cache) unless it is there.
// CI runs this before the tests: otherwise the first two test files of a fresh checkout train it side by
// side on the two cores, each at half speed, while the files behind them wait.
import { shippedDetector } from '../test/helpers/escalation.js'

const started = performance.now()
const { model } = await shippedDetector()
console.log(`escalation model ${model.version} ready in ${((performance.now() - started) / 1000).toFixed(1)} s`)
