import { HTTP_DATA_SOURCE, OPENAI } from './fixtures/spec-example.js';
import { NODE_TYPES, nodeCatalogue, outputPorts } from './catalogue.js';
import { NODE_TYPE_NAMES, type JourneyDefinition, type JourneyNode } from './types.js';
import { validateJourney } from './validate.js';

describe('NODE_TYPES', () => {
  it('describes every node type as plain, frozen JSON', () => {
    expect(Object.keys(NODE_TYPES)).toEqual([...NODE_TYPE_NAMES]);
    expect(JSON.parse(JSON.stringify(NODE_TYPES))).toEqual(NODE_TYPES);
    expect(Object.isFrozen(NODE_TYPES.send.configSchema)).toBe(true);
    for (const description of Object.values(NODE_TYPES)) {
      expect(description.label).toEqual(expect.any(String));
      expect(description.description.length).toBeGreaterThan(10);
      expect(['entry', 'messaging', 'timing', 'flow', 'data', 'integration']).toContain(description.category);
    }
  });

  it.each(NODE_TYPE_NAMES.filter((t) => t !== 'trigger'))('has a valid example config for %s', (type) => {
    const journey: JourneyDefinition = {
      name: 'Example',
      nodes: [
        { id: 'start', type: 'trigger', config: NODE_TYPES.trigger.example as never },
        { id: 'node', type, config: NODE_TYPES[type].example } as JourneyNode,
      ],
      edges: [{ from: 'start', to: 'node' }],
    };
    expect(validateJourney(journey).problems).toEqual([]);
  });

  it('lists the SPEC’s ports per type', () => {
    const ports = Object.fromEntries(Object.values(NODE_TYPES).map((d) => [d.type, d.ports.map((p) => p.name)]));
    expect(ports).toEqual({
      trigger: ['next'],
      send: ['next', 'failed'],
      delay: ['next'],
      wait_for_event: ['matched', 'timeout'],
      branch: ['default'],
      split: [],
      fetch: ['next', 'error'],
      ai: ['next', 'error'],
      update_profile: ['next'],
      webhook: ['next', 'error'],
      exit: [],
    });
    expect(NODE_TYPES.send.ports[1].fallback).toBe('next');
    expect(NODE_TYPES.branch.portsFrom).toEqual({ list: 'branches', key: 'port' });
    expect(NODE_TYPES.split.portsFrom).toEqual({ list: 'variants', key: 'port' });
  });

  it('describes union configs by their variants', () => {
    expect(NODE_TYPES.trigger.configVariants!.map((v) => v.key)).toEqual(['event', 'segment', 'api']);
    expect(NODE_TYPES.delay.configVariants!.map((v) => v.key)).toEqual(['seconds', 'until', 'untilTrait']);
    expect((NODE_TYPES.delay.configSchema.oneOf as unknown[]).length).toBe(3);
  });
});

describe('outputPorts', () => {
  it('derives branch ports from the branches, then default', () => {
    const node = {
      id: 'route',
      type: 'branch',
      config: {
        branches: [
          { port: 'vip', when: true },
          { port: 'at_risk', when: false },
        ],
      },
    } as const;
    expect(outputPorts(node)).toEqual(['vip', 'at_risk', 'default']);
  });

  it('derives split ports from the variants', () => {
    expect(
      outputPorts({
        type: 'split',
        config: {
          variants: [
            { port: 'a', weight: 1 },
            { port: 'b', weight: 1 },
            { port: 'c', weight: 2 },
          ],
        },
      }),
    ).toEqual(['a', 'b', 'c']);
  });

  it('gives fixed ports for the other types', () => {
    expect(outputPorts({ type: 'send', config: { template: 'x' } })).toEqual(['next', 'failed']);
    expect(outputPorts({ type: 'wait_for_event', config: {} })).toEqual(['matched', 'timeout']);
    expect(outputPorts({ type: 'fetch', config: {} })).toEqual(['next', 'error']);
    expect(outputPorts({ type: 'exit' })).toEqual([]);
  });

  it('tolerates half-edited and unknown nodes', () => {
    expect(outputPorts({ type: 'branch', config: { branches: [{ port: '' }, { port: 3 }, null, { port: 'a' }, { port: 'a' }] } })).toEqual([
      'a',
      'default',
    ]);
    expect(outputPorts({ type: 'branch' })).toEqual(['default']);
    expect(outputPorts({ type: 'split', config: { variants: 'x' } })).toEqual([]);
    expect(outputPorts({ type: 'nope' })).toEqual([]);
    expect(outputPorts(undefined)).toEqual([]);
  });
});

describe('nodeCatalogue(plugins)', () => {
  const catalogue = nodeCatalogue([
    HTTP_DATA_SOURCE,
    OPENAI,
    { id: 'anthropic', kind: 'llm' },
    { id: 'smtp', kind: 'channel', nodeParameters: { type: 'object' } },
  ]);

  it('is the static catalogue without plugins', () => {
    expect(nodeCatalogue()).toBe(NODE_TYPES);
    expect(nodeCatalogue([])).toBe(NODE_TYPES);
  });

  it('lists the installed data sources and LLMs for the fetch and ai forms', () => {
    expect((catalogue.fetch.configSchema.properties as any).source).toMatchObject({ enum: ['http'], 'x-labels': { http: 'HTTP' } });
    expect((catalogue.ai.configSchema.properties as any).provider.enum).toEqual(['openai', 'anthropic']);
    expect(Object.keys(catalogue.fetch.pluginSchemas!)).toEqual(['http']);
    expect(Object.keys(catalogue.ai.pluginSchemas!)).toEqual(['openai', 'anthropic']);
  });

  it('makes a data source’s node parameters the schema of the fetch request', () => {
    const schema = catalogue.fetch.pluginSchemas!.http as any;
    expect(schema.properties.request).toMatchObject({ title: 'HTTP request', ...HTTP_DATA_SOURCE.nodeParameters });
    expect(schema.properties.source.const).toBe('http');
    expect(schema.properties.timeoutMs).toEqual(
      NODE_TYPES.fetch.configSchema.properties && (NODE_TYPES.fetch.configSchema.properties as any).timeoutMs,
    );
  });

  it('merges an LLM’s node parameters beside the ai node’s own properties', () => {
    const schema = catalogue.ai.pluginSchemas!.openai as any;
    expect(Object.keys(schema.properties).sort()).toEqual(
      ['labels', 'maxTokens', 'model', 'persistTrait', 'prompt', 'provider', 'schema', 'system', 'task', 'temperature'].sort(),
    );
    expect(schema.properties.temperature).toEqual(OPENAI.nodeParameters.properties.temperature);
    expect(schema.properties.provider.const).toBe('openai');
    expect(schema.required).toEqual(['provider', 'task', 'prompt']);
    expect(schema.additionalProperties).toBe(false);
    // A plugin without node parameters keeps the type's own schema.
    expect((catalogue.ai.pluginSchemas!.anthropic as any).additionalProperties).toBe(true);
  });

  it('selects the plugin schema by id in the combined config schema', () => {
    const allOf = catalogue.ai.configSchema.allOf as any[];
    expect(allOf.slice(-2).map((s) => s.if.properties.provider.const)).toEqual(['openai', 'anthropic']);
  });

  it('ignores channel plugins and does not touch the static catalogue', () => {
    expect(catalogue.send).toEqual(NODE_TYPES.send);
    expect(NODE_TYPES.fetch.pluginSchemas).toBeUndefined();
    expect((NODE_TYPES.ai.configSchema.properties as any).provider.enum).toBeUndefined();
  });

  it('survives a JSON round trip (the API serves it to the admin)', () => {
    expect(JSON.parse(JSON.stringify(catalogue))).toEqual(catalogue);
  });

  it('drops $id and $schema from embedded plugin schemas', () => {
    const withIds = nodeCatalogue([
      {
        id: 'x',
        kind: 'llm',
        nodeParameters: {
          $id: 'https://x.example/p',
          $schema: 'http://json-schema.org/draft-07/schema#',
          type: 'object',
          properties: { foo: { type: 'string' } },
        },
      },
    ]);
    expect(JSON.stringify(withIds.ai.pluginSchemas!.x)).not.toMatch(/\$id|\$schema/);
  });
});
