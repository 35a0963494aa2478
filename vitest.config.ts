import { defineConfig } from 'vitest/config'
import { allTestFiles, slowFiles, unitFiles } from './test/tiers.js'

export default defineConfig({
  test: {
    // Process tests start real servers that load content; a busy 2-core machine needs the headroom.
    testTimeout: 240_000,
    hookTimeout: 240_000,
    // Two cores: more workers only make the PGlite WASM start-ups fight for CPU.
    maxWorkers: 2,
    // Tiers (docs/development.md): `npm run test:unit` is the quick loop, `npm test` runs all three.
    // `extends: true` gives each project the settings above; no root `include`, since arrays would merge.
    projects: [
      { extends: true, test: { name: 'unit', include: unitFiles } },
      { extends: true, test: { name: 'db', include: [allTestFiles], exclude: [...unitFiles, ...slowFiles] } },
      { extends: true, test: { name: 'slow', include: slowFiles } },
    ],
  },
})
