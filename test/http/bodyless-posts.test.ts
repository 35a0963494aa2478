// Routes whose OpenAPI entry has no request body (claim, release, publish, retry, …) must take a POST
// with neither a body nor a Content-Type, as `curl -X POST` sends it. Sent over a real socket, because
// only there does a bodiless POST arrive with no Content-Length at all.
import { serve } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'
import type { Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Sql } from '../../src/storage/sql.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'

const someId = '00000000-0000-4000-8000-000000000000'

/** Sends raw HTTP/1.1 and returns the status line's code; `extra` are further header lines. */
function rawRequest(port: number, request: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let answer = ''
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')))
    socket.on('data', (chunk) => {
      answer += chunk.toString()
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)
      if (status) {
        socket.destroy()
        resolve(Number(status[1]))
      }
    })
    socket.on('error', reject)
    socket.write(request)
  })
}

describe.each(testDatabases)('POST routes without a request body [$name]', (database) => {
  let sql: Sql
  let t: TestApp
  let server: Server
  let port: number
  let bodyless: string[]
  let withBody: string[]

  beforeAll(async () => {
    sql = await database.open()
    t = await createTestApp(sql)
    server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server
    await new Promise((resolve) => server.once('listening', resolve))
    port = (server.address() as AddressInfo).port
    const document = (await (await t.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { requestBody?: unknown }>>
    }
    const posts = Object.entries(document.paths).flatMap(([path, methods]) =>
      methods.post ? [{ path, body: Boolean(methods.post.requestBody) }] : [],
    )
    bodyless = posts.filter((route) => !route.body && !route.path.startsWith('/v1/webhooks/')).map((route) => route.path)
    withBody = posts.filter((route) => route.body).map((route) => route.path)
  })
  afterAll(async () => {
    server?.close()
    await sql?.close()
  })

  it('answers them without 415 when no Content-Type and no body are sent', async () => {
    expect(bodyless).toEqual(expect.arrayContaining(['/v1/escalations/{id}/claim', '/v1/escalations/{id}/release', '/v1/jobs/{id}/retry']))
    const admin = await t.keyFor('admin')
    for (const path of bodyless) {
      const url = path.replace(/\{[^}]+\}/g, someId)
      const status = await rawRequest(
        port,
        `POST ${url} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${admin}\r\nConnection: close\r\n\r\n`,
      )
      expect({ path, status }).not.toEqual({ path, status: 415 })
      expect(status, path).toBeLessThan(500)
    }
  })

  it('still refuses a body that is not JSON on routes that take one', async () => {
    const admin = await t.keyFor('admin')
    const path = withBody.find((candidate) => candidate === '/v1/api-keys')!
    const body = 'name=x&role=agent'
    const status = await rawRequest(
      port,
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${admin}\r\n` +
        `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    )
    expect(status).toBe(415)
  })
})
