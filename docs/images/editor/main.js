// Monaco (VS Code's editor component) with monaco-yaml, which runs yaml-language-server,
// the language server of the VS Code YAML extension (redhat.vscode-yaml). The editor opens
// a real list record with one deliberate mistake; the schema is the repository's own.
import * as monaco from 'monaco-editor'
import { configureMonacoYaml } from 'monaco-yaml'
import record from '../../../records/lists/L-2024-001.yaml'
import listSchema from '../../../schemas/list.schema.json'

globalThis.MonacoEnvironment = {
  getWorker(moduleId, label) {
    const name = label === 'yaml' ? 'yaml.worker.js' : 'editor.worker.js'
    return new Worker(new URL(name, import.meta.url), { type: 'module' })
  }
}

// The record's modeline ($schema=../../schemas/list.schema.json) resolves, relative to the
// record, to file:///repo/schemas/list.schema.json; the schema is registered under that
// URI with no fileMatch, so it is the modeline that selects it, as in VS Code.
configureMonacoYaml(monaco, {
  enableSchemaRequest: false,
  hover: true,
  completion: true,
  validate: true,
  schemas: [{ uri: 'file:///repo/schemas/list.schema.json', fileMatch: [], schema: listSchema }]
})

const text = record.replace('subsidy_cny: 100000', 'subsidy_cny: 10万')
const model = monaco.editor.createModel(text, 'yaml', monaco.Uri.parse('file:///repo/records/lists/L-2024-001.yaml'))
globalThis.monaco = monaco
globalThis.editor = monaco.editor.create(document.getElementById('editor'), {
  model,
  theme: 'vs',
  fontFamily: "'DejaVu Sans Mono', 'WenQuanYi Micro Hei Mono', monospace",
  fontSize: 14,
  minimap: { enabled: false },
  wordWrap: 'off',
  scrollBeyondLastLine: false,
  // VS Code running in Chinese does not box full-width punctuation as ambiguous characters
  unicodeHighlight: { allowedLocales: { 'zh-hans': true } }
})
