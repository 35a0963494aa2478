import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import type { AddressInfo } from 'node:net'

// The floor of `npm run bench`'s HTTP figures: the same server (@hono/node-server, one Node process,
// loopback) answering a bare route. Never part of the product app, so it carries no unauthenticated route.
const app = new Hono().get('/', (c) => c.text('Hello, World!'))
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, (info: AddressInfo) => {
  // The line the bench waits for, in the shape the service logs its own.
  process.stdout.write(`${JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${info.port}` })}\n`)
})
const stop = () => server.close(() => process.exit(0))
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
