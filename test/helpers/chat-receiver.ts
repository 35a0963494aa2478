import { createServer, type Server } from 'node:http'

type Json = Record<string, any>

/** A receiver for the leads' chat webhook: records each message, and fails the first `failures` on demand. */
export async function startChatReceiver() {
  const messages: Json[] = []
  let failures = 0
  const server: Server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => (body += chunk))
    request.on('end', () => {
      if (failures > 0) {
        failures--
        response.writeHead(500).end()
        return
      }
      messages.push(JSON.parse(body) as Json)
      response.writeHead(200).end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}/hook`,
    messages,
    failNext: (count: number) => void (failures = count),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
