import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Process tests start real servers that load content; a busy 2-core machine needs the headroom.
    testTimeout: 240_000,
    hookTimeout: 240_000,
    // Two cores: more workers only make the PGlite WASM start-ups fight for CPU.
    maxWorkers: 2,
  },
})
