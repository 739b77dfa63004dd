import {
  checkLlmRequest,
  llmInstructions,
  llmOutputSchema,
  type LlmRequest,
  parseJsonText,
  parseLlmOutput,
  structuredOutputSchema,
  validateLlmOutput,
} from './llm.js';

const classify: LlmRequest = { task: 'classify', prompt: 'Risk?', labels: ['high', 'low'] };

describe('LLM requests', () => {
  it('rejects unusable requests permanently', () => {
    expect(() => checkLlmRequest(classify)).not.toThrow();
    expect(() => checkLlmRequest({ task: 'classify', prompt: 'Risk?' })).toThrow(
      expect.objectContaining({ retryable: false, code: 'invalid_request' }),
    );
    expect(() => checkLlmRequest({ task: 'translate' as 'generate', prompt: 'x' })).toThrow(/task must be one of/);
    expect(() => checkLlmRequest({ task: 'generate', prompt: '  ' })).toThrow(/prompt/);
    expect(() => checkLlmRequest({ task: 'extract', prompt: 'x', schema: { type: 'objekt' } })).toThrow(/schema/);
  });

  it('derives the output schema per task', () => {
    expect(llmOutputSchema(classify)).toMatchObject({ properties: { label: { enum: ['high', 'low'] } }, required: ['label'] });
    expect(llmOutputSchema({ task: 'score', prompt: 'x' })).toMatchObject({ properties: { score: { minimum: 0, maximum: 1 } } });
    expect(llmOutputSchema({ task: 'extract', prompt: 'x' })).toEqual({ type: 'object' });
    expect(llmOutputSchema({ task: 'generate', prompt: 'x' })).toBeUndefined();
    expect(llmOutputSchema({ task: 'generate', prompt: 'x', schema: { type: 'array' } })).toEqual({ type: 'array' });
  });

  it('writes the same instructions for every provider', () => {
    expect(llmInstructions({ ...classify, system: 'You work for Acme.' })).toMatch(/^You work for Acme\.\nClassify .*"high", "low"/);
    expect(llmInstructions({ task: 'extract', prompt: 'x', schema: { type: 'object' } })).toContain('{"type":"object"}');
  });

  it('wraps non-object schemas for structured-output APIs', () => {
    const wrapped = structuredOutputSchema({ task: 'generate', prompt: 'x', schema: { type: 'string' } })!;
    expect(wrapped.schema).toMatchObject({ type: 'object', properties: { value: { type: 'string' } } });
    expect(wrapped.unwrap({ value: 'hi' })).toBe('hi');
    const plain = structuredOutputSchema(classify)!;
    expect(plain.unwrap({ label: 'low' })).toEqual({ label: 'low' });
    expect(structuredOutputSchema({ task: 'generate', prompt: 'x' })).toBeUndefined();
  });
});

describe('LLM output', () => {
  it('parses JSON text, with or without a code fence', () => {
    expect(parseJsonText('{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonText('```json\n{"a":1}\n```')).toEqual({ a: 1 });
    expect(() => parseJsonText('sure! {"a":1}')).toThrow(expect.objectContaining({ retryable: true, code: 'invalid_output' }));
  });

  it('normalises a label to the requested spelling and validates it', () => {
    expect(parseLlmOutput(classify, '{"label":" High "}')).toEqual({ label: 'high' });
    expect(() => parseLlmOutput(classify, { label: 'medium' })).toThrow(expect.objectContaining({ code: 'invalid_output' }));
    expect(() => parseLlmOutput(classify, { label: 'high', why: 'x' })).toThrow(/unknown property "why"/);
  });

  it('accepts numeric strings as scores but nothing outside [0, 1]', () => {
    const score: LlmRequest = { task: 'score', prompt: 'x' };
    expect(parseLlmOutput(score, { score: '0.4' })).toEqual({ score: 0.4 });
    expect(() => parseLlmOutput(score, { score: 1.2 })).toThrow(/must be <= 1/);
  });

  it('validates extract and generate answers against the requested schema', () => {
    const extract: LlmRequest = {
      task: 'extract',
      prompt: 'x',
      schema: { type: 'object', required: ['seats'], properties: { seats: { type: 'integer' } } },
    };
    expect(validateLlmOutput(extract, { seats: 3 })).toEqual({ seats: 3 });
    expect(() => validateLlmOutput(extract, { seats: 'three' })).toThrow(/\/output\/seats: must be integer/);
    expect(validateLlmOutput({ task: 'generate', prompt: 'x' }, 'text')).toBe('text');
    expect(() => validateLlmOutput({ task: 'generate', prompt: 'x' }, { a: 1 })).toThrow(/must be text/);
    expect(parseLlmOutput({ task: 'generate', prompt: 'x', schema: { type: 'string' } }, 'hello', { parsed: true })).toBe('hello');
  });
});
