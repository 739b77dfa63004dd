import type { JourneySummaryDto } from '@itinera/sdk';
import { journeysUsing, pathsOf, templateUsage, templateVariables, triggerEvents } from './template-variables';

const journey = (name: string, nodes: Array<{ id: string; type: string; name?: string; config?: Record<string, unknown> }>) =>
  ({ id: name, name, draft: { nodes, edges: [] } }) as unknown as JourneySummaryDto;

const onboarding = journey('Onboarding', [
  { id: 'start', type: 'trigger', config: { event: 'signed_up' } },
  { id: 'health', type: 'fetch', config: { source: 'http' } },
  { id: 'risk', type: 'ai', config: { task: 'classify', labels: ['high', 'low'] } },
  { id: 'welcome', type: 'send', name: 'Welcome e-mail', config: { template: 'welcome' } },
]);
const billing = journey('Billing', [
  { id: 'start', type: 'trigger', config: { event: 'invoice_paid' } },
  { id: 'facts', type: 'ai', config: { task: 'extract', schema: { properties: { amount: {}, currency: {} } } } },
  { id: 'receipt', type: 'send', config: { template: 'receipt' } },
]);

describe('template variables', () => {
  it('finds the journeys that send a template and the steps that do', () => {
    expect(journeysUsing([onboarding, billing], 'welcome').map((u) => [u.journey.name, u.steps])).toEqual([
      ['Onboarding', ['Welcome e-mail']],
    ]);
    expect([...templateUsage([onboarding, billing]).entries()].map(([key, list]) => [key, list.map((j) => j.name)])).toEqual([
      ['welcome', ['Onboarding']],
      ['receipt', ['Billing']],
    ]);
    expect(triggerEvents([onboarding, billing], 'receipt')).toEqual(['invoice_paid']);
  });

  it('lists nested keys as dotted paths', () => {
    expect(pathsOf({ plan: 'pro', company: { name: 'Acme', size: { n: 3 } } }, 'profile.traits')).toEqual([
      'profile.traits.plan',
      'profile.traits.company',
      'profile.traits.company.name',
      'profile.traits.company.size',
    ]);
  });

  it('offers profile, account, event, data (samples and journey step outputs), run and link variables', () => {
    const variables = templateVariables({
      templateKey: 'welcome',
      profile: { traits: { first_name: 'Ada' }, account: { traits: { seats: 5 } } },
      event: { event: 'signed_up', properties: { plan: 'trial' } },
      data: { coupon: 'WELCOME10' },
      journeys: [onboarding, billing],
    });
    const byGroup = (group: string) => variables.filter((v) => v.group === group).map((v) => v.path);
    expect(byGroup('Profile')).toContain('profile.traits.first_name');
    expect(byGroup('Account')).toEqual(['profile.account.groupId', 'profile.account.traits.seats']);
    expect(byGroup('Event')).toEqual(['event.event', 'event.timestamp', 'event.properties.plan']);
    expect(byGroup('Data')).toEqual(['data.coupon', 'data.health.status', 'data.health.body', 'data.risk.label']);
    expect(variables.find((v) => v.path === 'data.risk.label')?.hint).toBe('Onboarding · risk');
    expect(byGroup('Links')).toEqual(['unsubscribeUrl', 'preferencesUrl']);
    expect(
      templateVariables({ templateKey: 'receipt', journeys: [billing] })
        .filter((v) => v.group === 'Data')
        .map((v) => v.path),
    ).toEqual(['data.facts.amount', 'data.facts.currency']);
  });
});
