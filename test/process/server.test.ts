import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { killStartedProcesses, runCli, startServer, tempDataDir } from '../helpers/process.js'

const adminKey = 'test-admin-key-0123456789abcdef-0123456789'

afterEach(killStartedProcesses)

// These tests are about the process, not the content: no demo articles or default examples to load.
const light = { EMBEDDINGS_PROVIDER: 'hashing', KB_LOAD_DEMO: 'false', TRAINING_LOAD_DEFAULTS: 'false' }

describe('server process', () => {
  it('refuses to start with bad settings, naming every bad variable, exit code 1', async () => {
    const { code, output } = await runCli('src/entry/node.ts', { PORT: 'eighty', LOG_LEVEL: 'chatty', ADMIN_API_KEY: 'short' }, [])
    expect(code).toBe(1)
    expect(output).toMatch(/PORT:/)
    expect(output).toMatch(/LOG_LEVEL:/)
    expect(output).toMatch(/ADMIN_API_KEY: must be at least 32 characters/)
  })

  it('generates an admin key at the first start only and keeps it across restarts', async () => {
    const dataDir = await tempDataDir()
    const first = await startServer({ DATA_DIR: dataDir, ...light })
    const [, key] = await first.waitFor(/ADMIN KEY: (itk_\S+)/)
    await first.waitFor(/"msg":"ready"/)
    expect((await fetch(`${first.url}/v1/api-keys`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200)
    expect(await first.stop()).toBe(0)
    expect(first.output()).not.toContain(`"${key}"`) // printed for the operator, never inside a log line

    const second = await startServer({ DATA_DIR: dataDir, ...light })
    await second.waitFor(/"msg":"ready"/)
    expect(second.output()).not.toMatch(/ADMIN KEY/)
    const ready = await fetch(`${second.url}/readyz`)
    expect(ready.status).toBe(200)
    expect((await fetch(`${second.url}/v1/api-keys`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200)
    expect(await second.stop('SIGINT')).toBe(0)
  })

  it('finishes an in-flight request on SIGTERM, refuses new connections, then exits 0', async () => {
    const server = await startServer({ DATA_DIR: await tempDataDir(), ADMIN_API_KEY: adminKey, ...light })
    await server.waitFor(/"msg":"ready"/)
    const { port, hostname } = new URL(server.url)
    const body = JSON.stringify({ name: 'created during shutdown', role: 'agent' })
    const socket = connect(Number(port), hostname)
    let response = ''
    socket.on('data', (chunk) => (response += chunk.toString()))
    const closed = new Promise((resolve) => socket.on('close', resolve))
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.write(
      `POST /v1/api-keys HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${adminKey}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\n\r\n${body.slice(0, 10)}`,
    )
    await new Promise((resolve) => setTimeout(resolve, 200))
    server.child.kill('SIGTERM')
    await server.waitFor(/shutting down/)
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow()
    socket.write(body.slice(10)) // write, not end: a half-closed socket could not receive the answer
    await closed
    expect(response).toMatch(/^HTTP\/1\.1 201/)
    expect(response).toContain('created during shutdown')
    expect(await server.exited).toBe(0)
    expect(server.output()).toMatch(/"msg":"stopped"/)
  })

  it('reports the unreachable database in /readyz while it retries, then exits 1 with a clear message', async () => {
    const server = await startServer({
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nowhere',
      DATABASE_STARTUP_TIMEOUT_SECONDS: '3',
    })
    const ready = await fetch(`${server.url}/readyz`)
    expect(ready.status).toBe(503)
    expect(await ready.json()).toMatchObject({ ready: false, startup: { phase: 'starting' }, checks: { database: { status: 'down' } } })
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    expect(await server.exited).toBe(1)
    expect(server.output()).toMatch(/database not reachable yet/)
    expect(server.output()).toMatch(/The database was not reachable within 3 s/)
  })
})

describe('keys CLI', () => {
  it('creates, lists and revokes keys; the created key works against the server', async () => {
    const dataDir = await tempDataDir()
    const env = { DATA_DIR: dataDir, ADMIN_API_KEY: adminKey, LOG_LEVEL: 'warn', ...light }
    const created = await runCli('src/entry/keys-cli.ts', env, ['create', '--role', 'lead', '--name', 'Lead Lena'])
    expect(created.code).toBe(0)
    const key = /key: (itk_\S+)/.exec(created.output)![1]!
    const id = /\(id ([0-9a-f-]{36})\)/.exec(created.output)![1]!
    const listed = await runCli('src/entry/keys-cli.ts', env, ['list'])
    expect(listed.output).toMatch(new RegExp(`${id}\\s+lead\\s+active\\s+Lead Lena`))
    expect(listed.output).not.toContain(key)

    const server = await startServer({ ...env, LOG_LEVEL: 'info' })
    await server.waitFor(/"msg":"ready"/)
    // The server holds the embedded database; a second process must be refused, not corrupt it.
    const locked = await runCli('src/entry/keys-cli.ts', env, ['list'])
    expect(locked.code).toBe(1)
    expect(locked.output).toMatch(/in use by process \d+/)
    const asLead = await fetch(`${server.url}/v1/api-keys`, { headers: { authorization: `Bearer ${key}` } })
    expect(asLead.status).toBe(403)
    expect(await server.stop()).toBe(0)

    expect((await runCli('src/entry/keys-cli.ts', env, ['revoke', id])).code).toBe(0)
    expect((await runCli('src/entry/keys-cli.ts', env, ['list'])).output).toMatch(new RegExp(`${id}\\s+lead\\s+revoked`))
  })

  it('rejects bad arguments with usage and exit code 2, and an unknown id with exit code 3', async () => {
    const env = { DATA_DIR: await tempDataDir(), LOG_LEVEL: 'warn' }
    const badRole = await runCli('src/entry/keys-cli.ts', env, ['create', '--role', 'boss', '--name', 'x'])
    expect(badRole.code).toBe(2)
    expect(badRole.output).toMatch(/--role must be one of integration, agent, lead, admin/)
    expect((await runCli('src/entry/keys-cli.ts', env, ['frobnicate'])).code).toBe(2)
    // The API's own limit, checked before the database (it used to print the database's constraint error).
    const longName = await runCli('src/entry/keys-cli.ts', env, ['create', '--role', 'agent', '--name', 'n'.repeat(201)])
    expect(longName.code).toBe(2)
    expect(longName.output).toMatch(/--name: Too big: expected string to have <=200 characters/)
    expect((await runCli('src/entry/keys-cli.ts', env, ['create', '--role', 'agent', '--name', 'first key'])).code).toBe(0) // revoke needs a database
    const unknown = await runCli('src/entry/keys-cli.ts', env, ['revoke', '00000000-0000-4000-8000-000000000000'])
    expect(unknown.code).toBe(3)
    expect(unknown.output).toMatch(/No API key with id/)
  })
})
