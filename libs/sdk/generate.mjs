// Generates the Itinera client (src/generated/itinera.ts) from the committed apps/api/openapi.json
// with orval: types, one fetch function per operation and TanStack Query hooks, all calling
// `itineraFetch` (src/fetcher.ts). `npm run openapi` runs it; sdk-current.spec.ts runs it into a
// temporary folder and fails when the committed client differs.
//
//   node libs/sdk/generate.mjs [output file]
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from 'orval';
import * as prettier from 'prettier';

const here = dirname(fileURLToPath(import.meta.url));
const target = resolve(process.argv[2] ?? `${here}/src/generated/itinera.ts`);

await generate(
  {
    input: { target: `${here}/../../apps/api/openapi.json` },
    output: {
      target,
      mode: 'single',
      client: 'react-query',
      httpClient: 'fetch',
      clean: false,
      tsconfig: `${here}/tsconfig.json`,
      override: {
        mutator: { path: `${here}/src/fetcher.ts`, name: 'itineraFetch' },
        fetch: { includeHttpResponseReturnType: false },
        query: { signal: true },
      },
    },
  },
  here,
);

// orval writes the mutator's import relative to the output file; the committed client (and a
// temporary one the staleness test writes) always sits beside src/fetcher.ts.
const source = (await readFile(target, 'utf8')).replace(/from '[^']*fetcher\.js'/g, "from '../fetcher.js'");
const options = await prettier.resolveConfig(`${here}/../../.prettierrc.json`);
await writeFile(target, await prettier.format(source, { ...options, filepath: target }));
process.stdout.write(`Wrote ${relative(process.cwd(), target)}\n`);
