import { jsonProblem } from './template-problems';

// The sample a template preview renders with: a profile (of the workspace, or made up as JSON),
// the triggering event and the send's data, as the editor holds them and as the preview takes them.

export interface SampleInput {
  /** A profile of the workspace (`userId`), or a made-up one written as JSON (`profileText`). */
  profileMode: 'user' | 'inline';
  userId: string;
  profileText: string;
  eventText: string;
  dataText: string;
}

/** The fields of a made-up profile, as the preview takes them. */
export interface InlineProfile {
  email?: string | null;
  phone?: string | null;
  timezone?: string | null;
  locale?: string | null;
  traits?: Record<string, unknown>;
}

export interface ParsedSample {
  userId?: string;
  profile?: InlineProfile;
  event?: Record<string, unknown>;
  data?: Record<string, unknown>;
  /** Why the event or data JSON is not used. */
  problems: string[];
}

function objectOf(text: string, name: string, problems: string[]): Record<string, unknown> | undefined {
  if (text.trim() === '') return undefined;
  const problem = jsonProblem(text);
  if (problem) {
    problems.push(`${name}: line ${problem.line}, column ${problem.column}: ${problem.message}`);
    return undefined;
  }
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${name} must be a JSON object`);
    return undefined;
  }
  return value as Record<string, unknown>;
}

/** A made-up profile to start from: the chosen profile's fields when there is one. */
export function inlineProfileText(from?: InlineProfile | null): string {
  const profile: InlineProfile = from
    ? {
        email: from.email ?? null,
        phone: from.phone ?? null,
        timezone: from.timezone ?? null,
        locale: from.locale ?? null,
        traits: from.traits ?? {},
      }
    : { email: 'ada@example.com', timezone: 'Europe/London', locale: 'en', traits: { first_name: 'Ada', plan: 'trial' } };
  return JSON.stringify(profile, null, 2);
}

export function parseSample(sample: SampleInput): ParsedSample {
  const problems: string[] = [];
  if (sample.profileMode === 'inline') {
    return {
      profile: objectOf(sample.profileText, 'Profile', problems) ?? {},
      event: objectOf(sample.eventText, 'Event', problems),
      data: objectOf(sample.dataText, 'Data', problems),
      problems,
    };
  }
  return {
    userId: sample.userId.trim() || undefined,
    event: objectOf(sample.eventText, 'Event', problems),
    data: objectOf(sample.dataText, 'Data', problems),
    problems,
  };
}
