// Runs Neo4j's Cypher front end (parser and semantic analysis, from
// @neo4j-cypher/language-support) on the statements jiceng sends.
//
// Reads JSON from stdin:
//   {"labels": [...], "relationshipTypes": [...],
//    "statements": [{"query": "...", "params": ["name", ...]}, ...]}
// (a bare list of statements is accepted too, then labels and types are not checked).
// Prints one JSON list with, per statement, the diagnostics
// [{"severity": "error"|"warning"|..., "message": ..., "line": n, "column": n}].
// Each statement is checked with only its own declared parameters, so a parameter
// used but not declared is an error.
import { createRequire } from 'node:module';

// the package's ES module build has extension-less imports that node cannot resolve;
// its CommonJS build works
const { lintCypherQuery, testData } = createRequire(import.meta.url)('@neo4j-cypher/language-support');

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

let input = '';
for await (const chunk of process.stdin) input += chunk;
const request = JSON.parse(input);
const statements = Array.isArray(request) ? request : request.statements;
const base = {
  // Neo4j 5's built-in functions and procedures, as the package ships them
  functions: testData.mockSchema.functions,
  procedures: testData.mockSchema.procedures,
  defaultLanguage: 'CYPHER 5',
};
if (!Array.isArray(request)) {
  base.labels = request.labels;
  base.relationshipTypes = request.relationshipTypes;
}

const out = statements.map(({ query, params }) => {
  const parameters = Object.fromEntries((params ?? []).map((name) => [name, null]));
  const schema = { ...base, parameters };
  return lintCypherQuery(query, schema).map((d) => ({
    severity: SEVERITY[d.severity] ?? String(d.severity),
    message: d.message,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
  }));
});
process.stdout.write(JSON.stringify(out) + '\n');
