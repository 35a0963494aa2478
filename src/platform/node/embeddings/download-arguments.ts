/** The model files `npm run model:download` fetches: the int8 file, the fp32 file, or both (to compare them). */
export type ModelVariant = 'int8' | 'fp32'

export const downloadUsage = 'usage: npm run model:download [-- --variant int8|fp32|both]   (--quantized = int8, --fp32 = fp32)'

/**
 * Reads `--variant int8|fp32|both` (or `--quantized` / `--fp32`). Without one, the variant
 * EMBEDDINGS_QUANTIZED loads is fetched, so a download followed by a start never misses the file.
 */
export function parseDownloadArguments(args: string[], configuredQuantized: boolean): { variants: ModelVariant[] } | { error: string } {
  const variants = new Set<ModelVariant>()
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined]
    if (flag === '--quantized' && inline === undefined) variants.add('int8')
    else if (flag === '--fp32' && inline === undefined) variants.add('fp32')
    else if (flag === '--variant') {
      const value = inline ?? args[++index]
      if (value === 'int8' || value === 'fp32') variants.add(value)
      else if (value === 'both') variants.add('int8').add('fp32')
      else return { error: `--variant takes int8, fp32 or both (got ${value === undefined ? 'nothing' : `"${value}"`})` }
    } else return { error: `unknown argument "${arg}"` }
  }
  if (variants.size === 0) variants.add(configuredQuantized ? 'int8' : 'fp32')
  return { variants: [...variants] }
}
