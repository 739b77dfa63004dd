import { validateJourney } from '@itinera/journey-model';
import { HTTP_DATA_SOURCE, OPENAI } from '@itinera/journey-model/fixtures';
import { STARTERS } from './starters';

describe('journey starters', () => {
  it('offers onboarding, trial conversion, re-engagement and expansion', () => {
    expect(STARTERS.map((s) => s.id)).toEqual(['onboarding', 'trial-conversion', 're-engagement', 'expansion']);
  });

  it.each(STARTERS.map((s) => [s.id, s] as const))('%s is a valid journey, with the first-party plugins installed', (_id, starter) => {
    expect(validateJourney({ name: starter.title, ...starter.definition }, { plugins: [HTTP_DATA_SOURCE, OPENAI] }).problems).toEqual([]);
  });
});
