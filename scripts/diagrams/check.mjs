// Parses every ```mermaid block of the Markdown files named on the command line with Mermaid's
// own parser, the one the code hosts use to draw them. Prints one line per diagram and one per
// failure (file:line: the parser's first line); exits 1 when any diagram does not parse.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

// Mermaid sanitises labels with DOMPurify, which needs a DOM even to parse.
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

function blocks(text) {
  const found = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; ++i) {
    if (lines[i].trim() !== '```mermaid') continue;
    const start = i + 1;
    const body = [];
    for (++i; i < lines.length && lines[i].trim() !== '```'; ++i) body.push(lines[i]);
    found.push({ line: start, source: body.join('\n') + '\n' });
  }
  return found;
}

let parsed = 0, failed = 0;
for (const file of process.argv.slice(2)) {
  for (const b of blocks(readFileSync(file, 'utf8'))) {
    try {
      const r = await mermaid.parse(b.source);
      ++parsed;
      console.log(`ok ${file}:${b.line} ${r.diagramType}`);
    } catch (e) {
      ++failed;
      console.log(`FAIL ${file}:${b.line}: ${String(e.message ?? e).split('\n').slice(0, 4).join(' | ')}`);
    }
  }
}
console.log(`diagrams: ${parsed} parsed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
