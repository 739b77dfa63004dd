import { specExample } from '@itinera/journey-model/fixtures';
import { importRequest, JourneyFileError, journeyDocument } from './journey-file';

describe('journey files', () => {
  it('exports the SPEC document and imports it back as the same create request', () => {
    const example = specExample();
    const journey = { name: 'Trial onboarding', description: null, draft: { ...example, ui: { positions: { start: { x: 1, y: 2 } } } } };
    const exported = journeyDocument(journey as never);
    expect(exported).toEqual({ ...example, ui: { positions: { start: { x: 1, y: 2 } } } });
    expect(importRequest(JSON.stringify(exported), 'x.journey.json')).toEqual(exported);
  });

  it('names a document without a name after its file, and refuses what is not a journey', () => {
    expect(importRequest(JSON.stringify({ nodes: [] }), 'Win back.journey.json')).toEqual({ name: 'Win back', nodes: [], edges: [] });
    expect(() => importRequest('{', 'a.json')).toThrow(JourneyFileError);
    expect(() => importRequest('[]', 'a.json')).toThrow('expected a JSON object');
    expect(() => importRequest('{"name":"x"}', 'a.json')).toThrow('no "nodes" list');
  });
});
