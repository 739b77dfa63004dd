import { readdirSync, readFileSync } from 'node:fs';
import * as api from './index.js';

const here = new URL('./', import.meta.url);
const sources = readdirSync(here)
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
  .map((file) => ({ file, text: readFileSync(new URL(file, here), 'utf8') }));

describe('@itinera/journey-model', () => {
  it('runs in the browser: no Node built-ins, globals or repository imports', () => {
    expect(sources.length).toBeGreaterThan(5);
    for (const { file, text } of sources) {
      const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      for (const specifier of imports) {
        expect({ file, specifier, ok: specifier.startsWith('./') || ['ajv', 'json-logic-js'].includes(specifier) }).toEqual({
          file,
          specifier,
          ok: true,
        });
      }
      expect({ file, nodeGlobals: /\b(process|Buffer|require|__dirname)\b[.(]/.test(text) }).toEqual({ file, nodeGlobals: false });
    }
  });

  it('exports the API the engine and the canvas use', () => {
    for (const name of [
      'validateJourney',
      'nodeCatalogue',
      'outputPorts',
      'nextNode',
      'triggerOf',
      'splitVariant',
      'evaluateCondition',
      'referencedResources',
      'checkCondition',
    ]) {
      expect(typeof (api as Record<string, unknown>)[name]).toBe('function');
    }
    expect(Object.keys(api.NODE_TYPES)).toHaveLength(11);
  });
});
