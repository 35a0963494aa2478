// What the Worker opens for every request locally: a new PostgreSQL connection (no Hyperdrive pool under
// `wrangler dev --local`). Timed here from Node with the Worker's startup options, for scale.
import pg from 'pg'
import { sessionSettingsAsOptions } from '../../src/storage/session.js'
import { summarise, type Stats } from './measure.js'

/** Connects, runs one query and closes, `times` times; the wall time of each. */
export async function measureNewConnections(url: string, schema: string, times = 20): Promise<Stats> {
  const options = [...sessionSettingsAsOptions(), `-c search_path=${schema},public`].join(' ')
  const samples: number[] = []
  for (let i = 0; i < times; i++) {
    const started = performance.now()
    const client = new pg.Client({ connectionString: url, options })
    try {
      await client.connect()
      await client.query('SELECT 1')
    } finally {
      await client.end()
    }
    samples.push(performance.now() - started)
  }
  return summarise(samples)
}
