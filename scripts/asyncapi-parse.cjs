// Parses an AsyncAPI document with the AsyncAPI project's own parser and prints its findings;
// exits 1 on any error. By hand, with node and npm (the suite checks the same document offline
// against the vendored JSON Schema, tests/unit/contracts_pkg/asyncapi_spec/):
//   npm install --prefix ~/.cache/asyncapi-parser @asyncapi/parser@3
//   node scripts/asyncapi-parse.cjs docs/asyncapi.json
const fs = require("fs");
const os = require("os");
const path = require("path");
const prefix = process.env.ASYNCAPI_PARSER_PREFIX || path.join(os.homedir(), ".cache", "asyncapi-parser");
const { Parser } = require(path.join(prefix, "node_modules", "@asyncapi", "parser"));

(async () => {
  const { diagnostics } = await new Parser().parse(fs.readFileSync(process.argv[2], "utf8"));
  const names = ["error", "warning", "info", "hint"];
  for (const d of diagnostics) console.log(`${names[d.severity]} ${d.code} ${d.path.join(".")}: ${d.message}`);
  const errors = diagnostics.filter((d) => d.severity === 0).length;
  console.log(`${errors} error(s)`);
  process.exit(errors ? 1 : 0);
})();
