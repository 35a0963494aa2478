// The one workerd module the AI stand-in imports (this project does not install @cloudflare/workers-types).
declare module 'cloudflare:workers' {
  /** Base of a named entrypoint whose public methods other Workers call over a service binding (RPC). */
  export class WorkerEntrypoint<Env = unknown> {
    protected env: Env
  }
}
