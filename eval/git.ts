/** The commit the eval ran on, and whether the working tree had uncommitted changes. */
export async function gitCommit(): Promise<{ commit: string; dirty: boolean }> {
  const { execFile } = await import('node:child_process')
  const git = (args: string[]) =>
    new Promise<string>((resolve) => execFile('git', args, (error, stdout) => resolve(error ? '' : stdout.trim())))
  const [commit, status] = await Promise.all([git(['rev-parse', 'HEAD']), git(['status', '--porcelain', '--untracked-files=no'])])
  return { commit: commit || 'unknown', dirty: status.length > 0 }
}
