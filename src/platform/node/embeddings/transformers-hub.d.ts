// transformers.js fetches and caches model files in its hub module, which its package index does not export;
// the embedder reads the ONNX file through it so that downloads, the cache and local folders work as for the
// library's own models. Only the one function used is declared.
declare module '@xenova/transformers/src/utils/hub.js' {
  export function getModelFile(
    pathOrRepoId: string,
    filename: string,
    fatal: boolean,
    options: { cache_dir?: string; local_files_only?: boolean; progress_callback?: (event: never) => void },
  ): Promise<Uint8Array>
}
