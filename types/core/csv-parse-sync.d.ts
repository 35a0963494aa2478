// csv-parse's own types reference Node's (Buffer input), which would give the whole core type-check
// (tsconfig.core.json) Node's globals. The core parses strings only, so it sees this Node-free subset.
export interface Options {
  columns?: boolean | ((header: string[]) => string[])
  skip_empty_lines?: boolean
  trim?: boolean
  bom?: boolean
  relax_column_count?: boolean
}

// `any` as in csv-parse's own declaration: the record shape depends on `columns`.
export declare function parse(input: string, options?: Options): any
