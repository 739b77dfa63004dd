import { readFileSync } from 'node:fs';
import { marked, type Token, type Tokens } from 'marked';
import {
  NODE_TYPE_NAMES,
  nodeCatalogue,
  validateJourney,
  type JourneyDefinition,
  type JourneyNode,
  type JsonSchema,
  type NodeType,
  type NodeTypeDescription,
} from '@itinera/journey-model';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

/** The tokens under each `## ` heading, by the heading's text. */
function sections(markdown: string): Map<string, Token[]> {
  const result = new Map<string, Token[]>();
  let current: Token[] | undefined;
  for (const token of marked.lexer(markdown)) {
    if (token.type === 'heading' && (token as Tokens.Heading).depth === 2) {
      current = [];
      result.set((token as Tokens.Heading).text, current);
    } else current?.push(token);
  }
  return result;
}

/** The rows of the section's table whose first header cell is `header`, as cell texts; none: undefined. */
function table(tokens: Token[], header: string): string[][] | undefined {
  const found = tokens.find((t): t is Tokens.Table => t.type === 'table' && (t as Tokens.Table).header[0]?.text === header);
  return found?.rows.map((row) => row.map((cell) => cell.text.trim()));
}

/** A first cell that is one code span (`until.time`), unquoted; anything else (prose) is not a name. */
const codeName = (cell: string) => /^`([^`]+)`$/.exec(cell)?.[1];

const jsonBlocks = (tokens: Token[]) =>
  tokens.filter((t): t is Tokens.Code => t.type === 'code' && (t as Tokens.Code).lang === 'json').map((t) => JSON.parse(t.text) as unknown);

/** Top-level config properties of a node type, over all its config shapes, with whether a shape requires each. */
function configProperties(description: NodeTypeDescription): Map<string, boolean> {
  const schemas: JsonSchema[] = [description.configSchema, ...(description.configVariants ?? []).map((variant) => variant.schema)];
  const properties = new Map<string, boolean>();
  for (const schema of schemas) {
    const required = (schema.required as string[] | undefined) ?? [];
    for (const name of Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {})) {
      properties.set(name, (properties.get(name) ?? false) || required.includes(name));
    }
  }
  return properties;
}

/** Output ports as docs list them: the config-derived ones as `list[].key`, then the fixed ones. */
function documentedPortsOf(description: NodeTypeDescription): string[] {
  const derived = description.portsFrom ? [`${description.portsFrom.list}[].${description.portsFrom.key}`] : [];
  return [...derived, ...description.ports.map((port) => port.name)];
}

/** A journey in which `node` is reachable, so validation checks nothing but the node itself. */
function journeyWith(node: JourneyNode): JourneyDefinition {
  if (node.type === 'trigger') {
    return { name: 'Docs example', nodes: [node, { id: 'done', type: 'exit' }], edges: [{ from: node.id, to: 'done' }] };
  }
  return {
    name: 'Docs example',
    nodes: [{ id: 'docs_start', type: 'trigger', config: { event: 'signed_up' } }, node],
    edges: [{ from: 'docs_start', to: node.id }],
  };
}

describe('docs/node-types.md', () => {
  const catalogue = nodeCatalogue();
  const byType = new Map(
    [...sections(read('./node-types.md'))]
      .map(([heading, tokens]) => [codeName(heading), tokens] as const)
      .filter(([type]) => type !== undefined),
  );
  const section = (type: NodeType) => {
    const tokens = byType.get(type);
    if (!tokens) throw new Error(`docs/node-types.md has no section "## \`${type}\`"`);
    return tokens;
  };

  it('has one section per node type, and none for a type that does not exist', () => {
    expect([...byType.keys()]).toEqual([...NODE_TYPE_NAMES]);
  });

  it.each([...NODE_TYPE_NAMES])('lists the output ports of %s in its Port table', (type) => {
    const rows = table(section(type), 'Port') ?? [];
    expect(rows.map((row) => codeName(row[0]) ?? row[0])).toEqual(documentedPortsOf(catalogue[type]));
  });

  it.each([...NODE_TYPE_NAMES])('lists every top-level config property of %s, required as its schema says', (type) => {
    const properties = configProperties(catalogue[type]);
    const names = (table(section(type), 'Property') ?? []).flatMap((row) => {
      const name = codeName(row[0]);
      return name === undefined ? [] : [{ name, required: row[2] === 'yes' }];
    });
    const topLevel = names.filter(({ name }) => !/[.[]/.test(name));
    expect(Object.fromEntries(topLevel.map(({ name, required }) => [name, required]))).toEqual(Object.fromEntries(properties));
    // Nested rows (`until.time`, `branches[].port`) sit under a property that exists.
    for (const { name } of names) expect([name, properties.has(name.split(/[.[]/)[0])]).toEqual([name, true]);
  });

  it.each([...NODE_TYPE_NAMES])('gives valid examples of %s', (type) => {
    const examples = jsonBlocks(section(type)) as JourneyNode[];
    expect(examples.length).toBeGreaterThan(0);
    for (const node of examples) {
      expect(node.type).toBe(type);
      expect(validateJourney(journeyWith(node)).problems).toEqual([]);
    }
  });
});

describe('docs/journey-definition.md', () => {
  it('embeds the example journey of the fixture, and it validates', () => {
    const example = sections(read('./journey-definition.md')).get('Example journey');
    expect(example).toBeDefined();
    const [embedded] = jsonBlocks(example!);
    const fixture = JSON.parse(read('../libs/journey-model/src/fixtures/spec-example.json')) as JourneyDefinition;
    expect(embedded).toEqual(fixture);
    expect(validateJourney(embedded)).toEqual({ ok: true, problems: [] });
  });
});
