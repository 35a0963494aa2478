// The reference page's stylesheet, served from /docs/docs.css so its CSP can say style-src 'self'.
export const docsStylesheet = `
* { box-sizing: border-box; }
body { margin: 0; display: grid; grid-template-columns: 18rem 1fr; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1d2430; background: #f5f7fa; }
nav.toc { position: sticky; top: 0; height: 100vh; overflow-y: auto; padding: 1rem; background: #fff; border-right: 1px solid #d5dae1; font-size: 13px; }
nav.toc h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .05em; color: #5b6473; margin: 1rem 0 .25rem; }
nav.toc ul { list-style: none; margin: 0; padding: 0; }
nav.toc a { color: #1d2430; text-decoration: none; display: block; padding: .1rem 0; }
main { padding: 1.5rem 2rem; max-width: 70rem; }
h1 small { color: #5b6473; font-weight: normal; font-size: .6em; }
section.tag > h2 { border-bottom: 2px solid #1f4e8c; padding-bottom: .25rem; text-transform: capitalize; }
section.operation, section.schema { background: #fff; border: 1px solid #d5dae1; border-radius: 6px; padding: .75rem 1rem; margin: 0 0 1rem; }
h3 { margin: 0 0 .25rem; font-size: 1rem; }
h4 { margin: .75rem 0 .25rem; font-size: .9rem; }
.method { display: inline-block; min-width: 3.5rem; text-align: center; border-radius: 4px; padding: 0 .3rem; font: 700 12px/1.6 ui-monospace, monospace; color: #fff; background: #5b6473; }
.method.get { background: #1f6feb; } .method.post { background: #1e6b34; } .method.put, .method.patch { background: #8a4b00; } .method.delete { background: #a61b1b; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: .25rem 0; }
th, td { text-align: left; vertical-align: top; border-top: 1px solid #e4e8ee; padding: .3rem .5rem; }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, monospace; }
a { color: #1f4e8c; }
ul.responses { margin: 0; padding-left: 1.2rem; }
@media (max-width: 50rem) { body { grid-template-columns: 1fr; } nav.toc { position: static; height: auto; } }
`
