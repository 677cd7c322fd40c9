// The editors' JSON Schema through ajv in strict mode: it must compile there, and it checks episodes as an
// editor would, each error in the schema's own words where it gives them (`errorMessage`, which
// yaml-language-server shows in place of its own message). tests/test_editorschema.py runs it.
//
// Input on stdin, JSON: {"schema": {...}, "editorKeywords": ["errorMessage"], "episodes": {"name": episode}},
// each episode as YAML 1.2 reads it, in JSON. Output on stdout, JSON: {"name": [{"path", "keyword",
// "message"}]}, no errors for a good episode. A schema that strict mode refuses: exit 1, the reason on stderr.
import Ajv from "ajv";
import { readFileSync } from "node:fs";

/* The keywords for whose errors yaml-language-server shows a schema's `errorMessage` (others, such as
   `minimum`, keep its own message). */
const WORDED = new Set(["type", "enum", "const", "pattern", "format", "required", "additionalProperties"]);

/* What an editor says about one error: the words of the schema that holds the keyword, else the validator's. */
function worded(error) {
  const words = WORDED.has(error.keyword) ? error.parentSchema.errorMessage : undefined;
  return { path: error.instancePath, keyword: error.keyword, message: words ?? error.message };
}

function compile(schema, editorKeywords) {
  const ajv = new Ajv({ strict: true, allErrors: true, verbose: true });
  // Keywords that only editors read: declared, so that strict mode knows them rather than refusing them.
  ajv.addVocabulary(editorKeywords);
  return ajv.compile(schema);
}

const input = JSON.parse(readFileSync(0, "utf8"));
let validate;
try {
  validate = compile(input.schema, input.editorKeywords);
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
const found = {};
for (const [name, episode] of Object.entries(input.episodes)) {
  found[name] = validate(episode) ? [] : validate.errors.map(worded);
}
process.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
