import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { withoutNulDeep } from '../../../storage/nul.js'
import { parseArticles, supportedExtensions, type RawArticle } from './formats.js'

export interface FileArticles {
  file: string
  articles: RawArticle[]
  error?: string
}

/** Every supported file under a path (a file or a folder, recursively), in a stable order. */
export async function listArticleFiles(path: string): Promise<string[]> {
  const info = await stat(path)
  if (info.isFile()) return [path]
  const entries = await readdir(path, { withFileTypes: true, recursive: true })
  return entries
    .filter((entry) => entry.isFile() && supportedExtensions.some((extension) => entry.name.toLowerCase().endsWith(extension)))
    .map((entry) => join(entry.parentPath ?? path, entry.name))
    .sort()
}

/** Reads and parses one file; a bad file comes back with its error instead of stopping the import. */
export async function readArticleFile(file: string): Promise<FileArticles> {
  try {
    const text = await readFile(file, 'utf8')
    return { file, articles: parseArticles(text, file) }
  } catch (error) {
    return { file, articles: [], error: (error as Error).message }
  }
}

/** The demo knowledge base that ships with the service (src/knowledge/demo/*.md). */
export async function readDemoArticles(): Promise<RawArticle[]> {
  const folder = new URL('../../../knowledge/demo/', import.meta.url).pathname
  const files = await listArticleFiles(folder)
  const parsed = await Promise.all(files.map(readArticleFile))
  return parsed.flatMap((file) => file.articles)
}

/** One JSON value per non-empty line; the line number is in the error of a bad line. */
export async function readJsonLines(path: string | URL): Promise<unknown[]> {
  const text = await readFile(path, 'utf8')
  return text.split('\n').flatMap((line, index) => {
    if (!line.trim()) return []
    try {
      return [withoutNulDeep(JSON.parse(line) as unknown)]
    } catch {
      throw new Error(`${String(path)} line ${index + 1} is not valid JSON`)
    }
  })
}

/** The labelled examples that ship as the default training set (src/triage/training/examples.jsonl). */
export function readDefaultExamples(): Promise<unknown[]> {
  return readJsonLines(new URL('../../../triage/training/examples.jsonl', import.meta.url))
}

/** The escalation training corpus that ships with the service (src/triage/escalation/training/*.jsonl). */
export async function readEscalationCorpus(): Promise<unknown[]> {
  const folder = new URL('../../../triage/escalation/training/', import.meta.url)
  const files = (await readdir(folder)).filter((name) => name.endsWith('.jsonl')).sort()
  return (await Promise.all(files.map((name) => readJsonLines(new URL(name, folder))))).flat()
}
