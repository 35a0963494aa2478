/**
 * The poll loop's sleep, cut short on purpose: 'always' (stop, an explicit wake) ends any sleep, and
 * one that arrives while the loop is busy makes its next sleep return at once, so it is never lost.
 * 'slot' (a job finished) ends only a sleep that waits for a free slot: after a batch that was not
 * full, a finished job is no reason to poll early.
 */
export interface Waker {
  sleep(ms: number, options?: { wakeOnSlot?: boolean }): Promise<void>
  wake(reason: 'always' | 'slot'): void
}

export function createWaker(): Waker {
  let current: { finish: () => void; wakeOnSlot: boolean } | undefined
  let pending = false
  return {
    sleep(ms, { wakeOnSlot = false } = {}) {
      if (pending) {
        pending = false
        return Promise.resolve()
      }
      return new Promise<void>((resolve) => {
        const finish = () => {
          clearTimeout(timer)
          current = undefined
          resolve()
        }
        const timer = setTimeout(finish, ms)
        current = { finish, wakeOnSlot }
      })
    },
    wake(reason) {
      if (current && (reason === 'always' || current.wakeOnSlot)) current.finish()
      else if (!current && reason === 'always') pending = true
    },
  }
}
