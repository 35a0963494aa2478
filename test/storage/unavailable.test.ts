// Which driver errors mean "the database is unavailable" (503 with Retry-After) and which are left alone.
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../src/errors.js'
import type { AppEnv } from '../../src/http/env.js'
import { handleError, httpStatusOf } from '../../src/http/problem.js'
import { createMemoryLogger } from '../../src/logger.js'
import { databaseRetryAfterSeconds, isConnectionError, translateDatabaseError } from '../../src/storage/unavailable.js'

/** An error as pg reports it: a message and a SQLSTATE or errno in `code`. */
const driverError = (code: string, message = `driver error ${code}`) => Object.assign(new Error(message), { code })

const unavailable = {
  '53300': 'too many connections (for the server, the role or the database)',
  '57P01': 'admin shutdown (pg_terminate_backend, a fast shutdown)',
  '57P02': 'crash shutdown',
  '57P03': 'cannot connect now (starting up, shutting down, in recovery)',
  '57P05': 'idle session timeout',
  '25P03': 'idle-in-transaction session timeout',
  '08000': 'connection exception',
  '08003': 'connection does not exist',
  '08006': 'connection failure',
  '08001': 'the client could not establish a connection',
  '08004': 'the server rejected the connection',
  ECONNREFUSED: 'nothing listens on the port',
  ECONNRESET: 'the connection was reset',
  ETIMEDOUT: 'connect timed out',
  EPIPE: 'wrote to a closed socket',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'DNS temporarily failing',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
}

const statementErrors = {
  '23505': 'unique violation',
  '42P01': 'undefined table',
  '22P02': 'invalid text representation',
  '40001': 'serialization failure',
  '28P01': 'wrong password (a configuration error, reported at start-up)',
  '3D000': 'database does not exist (a configuration error)',
  '57014': 'query cancelled (statement timeout)',
}

describe('database errors', () => {
  it.each(Object.entries(unavailable))('%s (%s) becomes 503 service_unavailable with Retry-After', (code) => {
    const error = driverError(code)
    const translated = translateDatabaseError(error)
    expect(translated).toBeInstanceOf(AppError)
    expect(httpStatusOf(translated as AppError)).toBe(503)
    expect(translated).toMatchObject({
      code: 'service_unavailable',
      headers: { 'Retry-After': String(databaseRetryAfterSeconds) },
      cause: error,
    })
  })

  it.each(Object.entries(statementErrors))('%s (%s) is left for the caller', (code) => {
    const error = driverError(code)
    expect(isConnectionError(error)).toBe(false)
    expect(translateDatabaseError(error)).toBe(error)
  })

  it("recognises pg's own connection messages, refusals inside an AggregateError, and wrapped causes", () => {
    for (const message of [
      'Connection terminated unexpectedly',
      'timeout exceeded when trying to connect',
      'Client has encountered a connection error and is not queryable',
    ]) {
      expect(isConnectionError(new Error(message))).toBe(true)
    }
    // localhost resolving to ::1 and 127.0.0.1, both refused
    expect(isConnectionError(new AggregateError([driverError('ECONNREFUSED'), driverError('ECONNREFUSED')]))).toBe(true)
    expect(isConnectionError(new Error('outer', { cause: driverError('53300') }))).toBe(true)
    const once = translateDatabaseError(driverError('57P01'))
    expect(translateDatabaseError(once)).toBe(once) // translating twice keeps the first
  })

  it('answers as problem details with status 503 and Retry-After through the error handler', async () => {
    const app = new Hono<AppEnv>()
    app.get('/', () => {
      throw translateDatabaseError(driverError('53300', 'sorry, too many clients already'))
    })
    app.onError(handleError(createMemoryLogger()))
    const response = await app.request('/')
    expect(response.status).toBe(503)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(response.headers.get('retry-after')).toBe(String(databaseRetryAfterSeconds))
    expect(await response.json()).toMatchObject({ status: 503, code: 'service_unavailable' })
  })
})
