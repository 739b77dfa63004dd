import fc from 'fast-check';
import { HTTP_DATA_SOURCE, OPENAI, specExample } from './fixtures/spec-example.js';
import { nextNode, referencedResources, triggerOf } from './graph.js';
import { outputPorts } from './catalogue.js';
import type { JourneyDefinition } from './types.js';
import { PROBLEM_CODES, validateJourney, type JourneyProblem, type ProblemCode } from './validate.js';

/** The example journey after `edit`, as loose JSON (edits may break the types on purpose). */
function edited(edit: (journey: any) => void): JourneyDefinition {
  const journey = specExample() as any;
  edit(journey);
  return journey;
}

const node = (journey: any, id: string) => journey.nodes.find((n: any) => n.id === id);

describe('validateJourney', () => {
  it('accepts the example journey of the SPEC', () => {
    expect(validateJourney(specExample())).toEqual({ ok: true, problems: [] });
  });

  it('accepts the example journey against the first-party plugins’ node parameters', () => {
    expect(validateJourney(specExample(), { plugins: [HTTP_DATA_SOURCE, OPENAI] })).toEqual({ ok: true, problems: [] });
  });

  it('accepts every node type, port and config shape', () => {
    const journey: JourneyDefinition = {
      name: 'Everything',
      description: 'One of each',
      entry: { reentry: { afterSeconds: 86400 } },
      exit: [{ event: 'churned', filter: { '==': [{ var: 'event.properties.reason' }, 'price'] } }],
      caps: [{ limit: 3, windowSeconds: 604800, action: 'defer' }],
      nodes: [
        { id: 'start', type: 'trigger', config: { segment: { '>=': [{ var: 'profile.traits.seats' }, 10] } } },
        { id: 'send', type: 'send', config: { template: 't', channels: ['email', 'sms'], routing: 'all', topic: 'news', urgent: true } },
        { id: 'd1', type: 'delay', config: { seconds: 60 } },
        { id: 'd2', type: 'delay', config: { until: { time: '23:59', timezone: 'America/Argentina/Buenos_Aires', days: ['sat', 'sun'] } } },
        { id: 'd3', type: 'delay', config: { untilTrait: 'trial_ends_at', offsetSeconds: -86400 } },
        { id: 'wait', type: 'wait_for_event', config: { event: 'paid', filter: true, timeoutSeconds: 3600 } },
        {
          id: 'ab',
          type: 'split',
          config: {
            variants: [
              { port: 'a', weight: 1 },
              { port: 'b', weight: 2.5 },
            ],
          },
        },
        { id: 'fetch', type: 'fetch', config: { source: 'crm', request: { url: '{{ data.x.url }}', query: 'any' } } },
        {
          id: 'ai',
          type: 'ai',
          config: { provider: 'llm', task: 'extract', prompt: 'p', schema: { type: 'object' }, persistTrait: 'facts', temperature: 1 },
        },
        { id: 'update', type: 'update_profile', config: { set: { stage: '{{ data.ai.stage }}', nudged: true } } },
        { id: 'hook', type: 'webhook', config: { url: 'https://hooks.example.com/x', method: 'PUT', headers: { 'x-a': 'b' } } },
        {
          id: 'route',
          type: 'branch',
          config: { branches: [{ port: 'big', when: { some: [{ var: 'profile.traits.tags' }, { '==': [{ var: '' }, 'big'] }] } }] },
        },
        { id: 'end', type: 'exit', name: 'The end', config: {} },
      ],
      edges: [
        { from: 'start', to: 'send' },
        { from: 'send', to: 'd1' },
        { from: 'send', port: 'failed', to: 'end' },
        { from: 'd1', to: 'd2' },
        { from: 'd2', to: 'd3' },
        { from: 'd3', to: 'wait' },
        { from: 'wait', port: 'matched', to: 'ab' },
        { from: 'wait', port: 'timeout', to: 'd1' },
        { from: 'ab', port: 'a', to: 'fetch' },
        { from: 'ab', port: 'b', to: 'ai' },
        { from: 'fetch', to: 'ai' },
        { from: 'fetch', port: 'error', to: 'end' },
        { from: 'ai', to: 'update' },
        { from: 'update', to: 'hook' },
        { from: 'hook', to: 'route' },
        { from: 'route', port: 'big', to: 'end' },
        { from: 'route', port: 'default', to: 'wait' },
      ],
      layout: { start: { x: 0, y: 0 }, end: { x: 100, y: 900 } },
      ui: {
        positions: { start: { x: 0, y: 0 } },
        notes: [{ id: 'n1', x: 10, y: 20, width: 200, text: 'Ask sales first' }],
        viewport: { zoom: 1 },
      },
    };
    expect(validateJourney(journey).problems).toEqual([]);
  });

  it('checks the shape of the canvas section', () => {
    const journey = { ...specExample(), ui: { positions: { start: { x: 'left' } }, notes: [{ id: 'n1', text: 'no position' }] } };
    const problems = validateJourney(journey).problems.map((p) => `${p.code} ${p.path}`);
    expect(problems.sort()).toEqual([
      'invalid_shape /ui/notes/0/x',
      'invalid_shape /ui/notes/0/y',
      'invalid_shape /ui/positions/start/x',
      'invalid_shape /ui/positions/start/y',
    ]);
  });

  /** One case per problem code: an edit of the example, and the problem it must produce. */
  const cases: Record<ProblemCode, { edit: (j: any) => void; expected: Partial<JourneyProblem> }> = {
    invalid_shape: { edit: (j) => (node(j, 'welcome').colour = 'red'), expected: { nodeId: 'welcome', path: '/nodes/1/colour' } },
    invalid_node_id: {
      edit: (j) => {
        node(j, 'nudge').id = 'nudge me';
        j.edges.forEach((e: any) => ['from', 'to'].forEach((k) => e[k] === 'nudge' && (e[k] = 'nudge me')));
      },
      expected: { nodeId: 'nudge me', path: '/nodes/6/id' },
    },
    duplicate_node_id: { edit: (j) => j.nodes.push({ id: 'welcome', type: 'exit' }), expected: { nodeId: 'welcome', path: '/nodes/9/id' } },
    unknown_node_type: { edit: (j) => (node(j, 'nudge').type = 'sms'), expected: { nodeId: 'nudge', path: '/nodes/6/type' } },
    missing_trigger: { edit: (j) => (node(j, 'start').type = 'send'), expected: { path: '/nodes' } },
    multiple_triggers: {
      edit: (j) => {
        j.nodes.push({ id: 'again', type: 'trigger', config: { api: true } });
        j.edges.push({ from: 'again', to: 'welcome' });
      },
      expected: { nodeId: 'again', path: '/nodes/9' },
    },
    unknown_edge_source: { edit: (j) => j.edges.push({ from: 'ghost', to: 'done' }), expected: { edgeIndex: 10, path: '/edges/10/from' } },
    unknown_edge_target: {
      edit: (j) => j.edges.push({ from: 'nudge', port: 'failed', to: 'ghost' }),
      expected: { nodeId: 'nudge', edgeIndex: 10, path: '/edges/10/to' },
    },
    edge_into_trigger: {
      edit: (j) => j.edges.push({ from: 'nudge', port: 'failed', to: 'start' }),
      expected: { nodeId: 'nudge', edgeIndex: 10, path: '/edges/10/to' },
    },
    unknown_port: {
      edit: (j) => j.edges.push({ from: 'health', port: 'timeout', to: 'done' }),
      expected: { nodeId: 'health', edgeIndex: 10, path: '/edges/10/port' },
    },
    duplicate_edge: { edit: (j) => j.edges.push({ from: 'welcome', to: 'done' }), expected: { nodeId: 'welcome', edgeIndex: 10 } },
    unreachable_node: { edit: (j) => j.nodes.push({ id: 'orphan', type: 'exit' }), expected: { nodeId: 'orphan', path: '/nodes/9' } },
    cycle_without_wait: {
      edit: (j) => {
        node(j, 'route').config.branches.push({ port: 'retry', when: { '==': [{ var: 'data.risk.label' }, 'unknown'] } });
        j.edges.push({ from: 'route', port: 'retry', to: 'health' });
      },
      expected: { nodeId: 'health', path: '/nodes/3' },
    },
    invalid_config: {
      edit: (j) => delete node(j, 'welcome').config.template,
      expected: { nodeId: 'welcome', path: '/nodes/1/config/template' },
    },
    invalid_condition: {
      edit: (j) => (node(j, 'start').config.filter = { '===': [{ var: 'event.properties.plan' }] }),
      expected: { nodeId: 'start', path: '/nodes/0/config/filter/===' },
    },
    invalid_port: {
      edit: (j) => (node(j, 'route').config.branches[0].port = 'at risk'),
      expected: { nodeId: 'route', path: '/nodes/5/config/branches/0/port' },
    },
    duplicate_port: {
      edit: (j) => node(j, 'route').config.branches.push({ port: 'at_risk', when: true }),
      expected: { nodeId: 'route', path: '/nodes/5/config/branches/1/port' },
    },
    reserved_port: {
      edit: (j) => node(j, 'route').config.branches.push({ port: 'default', when: true }),
      expected: { nodeId: 'route', path: '/nodes/5/config/branches/1/port' },
    },
    invalid_weight: {
      edit: (j) => {
        j.nodes.push({
          id: 'ab',
          type: 'split',
          config: {
            variants: [
              { port: 'a', weight: 0 },
              { port: 'b', weight: 1 },
            ],
          },
        });
        j.edges.find((e: any) => e.from === 'nudge').to = 'ab';
        j.edges.push({ from: 'ab', port: 'a', to: 'done' }, { from: 'ab', port: 'b', to: 'done' });
      },
      expected: { nodeId: 'ab', path: '/nodes/9/config/variants/0/weight' },
    },
    invalid_time: {
      edit: (j) => (node(j, 'tomorrow9').config.until.time = '9am'),
      expected: { nodeId: 'tomorrow9', path: '/nodes/7/config/until/time' },
    },
    invalid_timezone: {
      edit: (j) => (node(j, 'tomorrow9').config.until.timezone = 'Europe/Atlantis'),
      expected: { nodeId: 'tomorrow9', path: '/nodes/7/config/until/timezone' },
    },
    invalid_weekday: {
      edit: (j) => (node(j, 'tomorrow9').config.until.days = ['mon', 'funday']),
      expected: { nodeId: 'tomorrow9', path: '/nodes/7/config/until/days/1' },
    },
    invalid_reentry: { edit: (j) => (j.entry.reentry = 'twice'), expected: { path: '/entry/reentry' } },
    invalid_exit_goal: { edit: (j) => j.exit.push({ event: '' }), expected: { path: '/exit/1/event' } },
    invalid_cap: { edit: (j) => (j.caps = [{ limit: 0, windowSeconds: 60 }]), expected: { path: '/caps/0/limit' } },
  };

  it('has a case for every problem code', () => {
    expect(Object.keys(cases).sort()).toEqual([...PROBLEM_CODES].sort());
  });

  it.each(Object.entries(cases))('reports %s with its node, edge and path', (code, { edit, expected }) => {
    const result = validateJourney(edited(edit));
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual(expect.objectContaining({ code, ...expected }));
    const problem = result.problems.find((p) => p.code === code)!;
    expect(problem.message.length).toBeGreaterThan(5);
    if (!('nodeId' in expected)) expect(problem.nodeId).toBeUndefined();
  });

  it('reports every problem at once, each on its node', () => {
    const journey = edited((j) => {
      delete node(j, 'welcome').config.template;
      node(j, 'tomorrow9').config.until.timezone = 'Nowhere/Special';
      node(j, 'wait').config.timeoutSeconds = 0;
      node(j, 'route').config.branches[0].when = { like: ['a', 'b'] };
      j.nodes.push({ id: 'orphan', type: 'send', config: { template: 'x' } });
      j.edges.push({ from: 'done', to: 'welcome' });
      j.entry.reentry = { afterSeconds: 0 };
    });
    const { ok, problems } = validateJourney(journey);
    expect(ok).toBe(false);
    const summary = problems.map((p) => [p.code, p.nodeId]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['invalid_reentry', undefined],
        ['invalid_config', 'welcome'],
        ['invalid_config', 'wait'],
        ['invalid_condition', 'route'],
        ['invalid_timezone', 'tomorrow9'],
        ['unknown_port', 'done'],
        ['unreachable_node', 'orphan'],
      ]),
    );
    expect(problems).toHaveLength(7);
  });

  it('reports a config with no variant key, or two', () => {
    const none = validateJourney(edited((j) => (node(j, 'tomorrow9').config = { minutes: 5 })));
    expect(none.problems).toEqual([
      expect.objectContaining({
        code: 'invalid_config',
        nodeId: 'tomorrow9',
        path: '/nodes/7/config',
        message: expect.stringMatching(/seconds, until, untilTrait/),
      }),
    ]);
    const both = validateJourney(edited((j) => (node(j, 'start').config = { event: 'x', api: true })));
    expect(both.problems).toEqual([
      expect.objectContaining({ code: 'invalid_config', nodeId: 'start', message: expect.stringMatching(/not several/) }),
    ]);
  });

  it('lets a node without config only if it is an exit', () => {
    const { problems } = validateJourney(edited((j) => delete node(j, 'nudge').config));
    expect(problems).toEqual([expect.objectContaining({ code: 'invalid_config', nodeId: 'nudge', path: '/nodes/6/config' })]);
  });

  it('checks conditions wherever they are: segment (profile only), exit goals, waits', () => {
    const { problems } = validateJourney(
      edited((j) => {
        node(j, 'start').config = { segment: { '==': [{ var: 'event.name' }, 'x'] } };
        j.exit[0].filter = { unknown_op: [] };
        node(j, 'wait').config.filter = { and: [] };
      }),
    );
    expect(problems.map((p) => [p.code, p.nodeId, p.path])).toEqual([
      ['invalid_condition', undefined, '/exit/0/filter/unknown_op'],
      ['invalid_condition', 'start', '/nodes/0/config/segment/==/0/var'],
      ['invalid_condition', 'wait', '/nodes/2/config/filter/and'],
    ]);
  });

  it('allows loops that pause at a delay or a wait, not at a delay until a trait date', () => {
    const loop = (pause: object) =>
      validateJourney(
        edited((j) => {
          j.nodes.push({ id: 'pause', type: 'delay', config: pause });
          j.edges.push({ from: 'risk', port: 'error', to: 'pause' }, { from: 'pause', to: 'health' });
        }),
      ).problems.map((p) => p.code);
    expect(loop({ seconds: 3600 })).toEqual([]);
    expect(loop({ until: { time: '09:00', timezone: 'profile' } })).toEqual([]);
    // A date in the past does not pause at all.
    expect(loop({ untilTrait: 'renews_at' })).toEqual(['cycle_without_wait']);
  });

  it('reports a node that leads straight back to itself', () => {
    const { problems } = validateJourney(edited((j) => j.edges.push({ from: 'nudge', port: 'failed', to: 'nudge' })));
    expect(problems).toEqual([
      expect.objectContaining({ code: 'cycle_without_wait', nodeId: 'nudge', message: expect.stringMatching(/back to itself/) }),
    ]);
  });

  it('checks the ai output schema and the classify labels', () => {
    const { problems } = validateJourney(
      edited((j) => {
        delete node(j, 'risk').config.labels;
        j.nodes.push({ id: 'facts', type: 'ai', config: { provider: 'openai', task: 'extract', prompt: 'x', schema: { type: 'objekt' } } });
        j.edges.find((e: any) => e.from === 'nudge').to = 'facts';
        j.edges.push({ from: 'facts', to: 'done' });
      }),
    );
    expect(problems.map((p) => [p.code, p.nodeId, p.path])).toEqual([
      ['invalid_config', 'risk', '/nodes/4/config/labels'],
      ['invalid_config', 'facts', '/nodes/9/config/schema'],
    ]);
    expect(problems[0].message).toMatch(/classify/);
    expect(problems[1].message).toMatch(/not a valid JSON Schema: \/type/);
  });

  it('checks webhook and fetch URLs, allowing Liquid', () => {
    const problems = (url: string) =>
      validateJourney(
        edited((j) => {
          j.nodes.push({ id: 'hook', type: 'webhook', config: { url } });
          j.edges.push({ from: 'nudge', port: 'failed', to: 'hook' });
        }),
      ).problems.map((p) => [p.code, p.path]);
    expect(problems('https://hooks.example.com/a?b=c')).toEqual([]);
    expect(problems('{{ profile.traits.hook_url }}')).toEqual([]);
    expect(problems('ftp://example.com/x')).toEqual([['invalid_config', '/nodes/9/config/url']]);
    expect(problems('example.com/{{ x }}')).toEqual([['invalid_config', '/nodes/9/config/url']]);
  });

  describe('with plugins', () => {
    const plugins = [HTTP_DATA_SOURCE, OPENAI, { id: 'smtp', kind: 'channel' as const }];

    it('checks fetch requests and ai parameters against the plugin’s node parameters', () => {
      const journey = edited((j) => {
        node(j, 'health').config.request.query = 'x';
        node(j, 'risk').config.temperature = 9;
      });
      expect(validateJourney(journey).ok).toBe(true);
      expect(validateJourney(journey, { plugins }).problems.map((p) => [p.code, p.nodeId, p.path])).toEqual([
        ['invalid_config', 'health', '/nodes/3/config/request/query'],
        ['invalid_config', 'risk', '/nodes/4/config/temperature'],
      ]);
    });

    it('reports a data source or LLM that is not installed', () => {
      const journey = edited((j) => (node(j, 'risk').config.provider = 'mistral'));
      expect(validateJourney(journey, { plugins }).problems).toEqual([
        expect.objectContaining({
          code: 'invalid_config',
          nodeId: 'risk',
          path: '/nodes/4/config/provider',
          message: 'must be one of "openai"',
        }),
      ]);
    });
  });

  it('reports a definition that is not an object, or lacks nodes and edges', () => {
    expect(validateJourney(null).problems).toEqual([expect.objectContaining({ code: 'invalid_shape', path: '' })]);
    expect(validateJourney([]).ok).toBe(false);
    expect(validateJourney({ name: 'x' }).problems.map((p) => [p.code, p.path])).toEqual([
      ['invalid_shape', '/nodes'],
      ['invalid_shape', '/edges'],
    ]);
  });

  it('reports malformed nodes and edges by index', () => {
    const { problems } = validateJourney(
      edited((j) => {
        j.nodes.push(42, { type: 'exit' }, { id: 7, type: 'exit' });
        j.edges.push('x', { from: 'nudge', port: 3, to: 'done' }, { from: 'nudge', port: 'failed', to: 'done', colour: 'red' });
      }),
    );
    expect(problems.map((p) => [p.code, p.path, p.edgeIndex])).toEqual([
      ['invalid_shape', '/nodes/9', undefined],
      ['invalid_node_id', '/nodes/10/id', undefined],
      ['invalid_node_id', '/nodes/11/id', undefined],
      ['invalid_shape', '/edges/10', 10],
      ['invalid_shape', '/edges/11/port', 11],
      ['invalid_shape', '/edges/12/colour', 12],
    ]);
  });
});

// ── Property-based: no input makes validation (or the helpers) throw ────────────────────────

/** Every JSON pointer into a value, as key paths. */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const here = [prefix];
  if (Array.isArray(value)) return here.concat(...value.map((item, i) => paths(item, [...prefix, i])));
  if (typeof value === 'object' && value !== null) return here.concat(...Object.entries(value).map(([k, v]) => paths(v, [...prefix, k])));
  return here;
}
const EXAMPLE_PATHS = paths(specExample()).filter((p) => p.length > 0);

type Edit = { kind: 'set' | 'delete' | 'push'; path: Array<string | number>; value: unknown };

const editArb: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom<Edit['kind']>('set', 'set', 'delete', 'push'),
  path: fc.constantFrom(...EXAMPLE_PATHS),
  value: fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom('next', 'default', 'matched', 'timeout', 'start', 'done', 'wait', 'trigger', 'delay', 'exit', '__proto__', ''),
    fc.record({ id: fc.string(), type: fc.constantFrom('send', 'branch', 'split', 'exit', 'delay', 'bogus'), config: fc.object() }),
    fc.record({
      from: fc.constantFrom('start', 'wait', 'route', 'ghost'),
      port: fc.string(),
      to: fc.constantFrom('done', 'start', 'health'),
    }),
  ),
});

function apply(journey: any, edit: Edit): void {
  let parent: any = journey;
  for (const key of edit.path.slice(0, -1)) {
    if (typeof parent !== 'object' || parent === null) return;
    parent = parent[key];
  }
  if (typeof parent !== 'object' || parent === null) return;
  const last = edit.path[edit.path.length - 1];
  if (edit.kind === 'delete') {
    if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
    else delete parent[last];
  } else if (edit.kind === 'push' && Array.isArray(parent[last])) parent[last].push(edit.value);
  else parent[last] = edit.value;
}

function expectWellFormed(result: ReturnType<typeof validateJourney>): void {
  expect(typeof result.ok).toBe('boolean');
  expect(result.ok).toBe(result.problems.length === 0);
  for (const problem of result.problems) {
    expect(PROBLEM_CODES).toContain(problem.code);
    expect(typeof problem.path).toBe('string');
    expect(typeof problem.message).toBe('string');
    expect(problem.message).not.toMatch(/could not be checked/);
  }
}

describe('validateJourney, property-based', () => {
  it('never throws on random edits of the example, and always answers in shape', () => {
    fc.assert(
      fc.property(fc.array(editArb, { minLength: 1, maxLength: 8 }), fc.boolean(), (edits, withPlugins) => {
        const journey = specExample() as any;
        for (const edit of edits) apply(journey, edit);
        const result = validateJourney(journey, withPlugins ? { plugins: [HTTP_DATA_SOURCE, OPENAI] } : {});
        expectWellFormed(result);
        // The helpers the engine and the canvas use take the same abuse.
        referencedResources(journey);
        triggerOf(journey);
        for (const n of Array.isArray(journey.nodes) ? journey.nodes : []) {
          outputPorts(n);
          if (n && typeof n.id === 'string') nextNode(journey, n.id, 'next');
        }
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on arbitrary values', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4 }), (value) => {
        expectWellFormed(validateJourney(value));
        expectWellFormed(validateJourney({ name: 'x', nodes: [value], edges: [value] }));
      }),
      { numRuns: 300 },
    );
  });

  it('reports edits that break the example, and only those', () => {
    fc.assert(
      fc.property(fc.constantFrom(...specExample().nodes.map((n) => n.id)), (id) => {
        const broken = edited((j) => (node(j, id).id = `${id}!`));
        const { problems } = validateJourney(broken);
        expect(problems[0]).toMatchObject({ code: 'invalid_node_id', nodeId: `${id}!` });
      }),
    );
  });
});
