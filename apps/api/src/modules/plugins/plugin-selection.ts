/**
 * ITINERA_PLUGINS: a comma-separated allow/deny list of plugin ids (`<package>/<manifest id>`).
 * `*` matches any run of characters; a leading `!` denies. A plugin is loaded when it matches an
 * allow pattern and no deny pattern. Empty means `*`.
 * Examples: `*,!@itinera/channel-teams/*` · `@itinera/*,acme-itinera-sms/*`.
 */
export class PluginSelection {
  private readonly allow: RegExp[];
  private readonly deny: RegExp[];

  constructor(spec: string | undefined) {
    const patterns = (spec ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const allow = patterns.filter((p) => !p.startsWith('!'));
    this.allow = (allow.length > 0 ? allow : ['*']).map(toRegExp);
    this.deny = patterns.filter((p) => p.startsWith('!')).map((p) => toRegExp(p.slice(1)));
  }

  accepts(pluginId: string): boolean {
    return this.allow.some((re) => re.test(pluginId)) && !this.deny.some((re) => re.test(pluginId));
  }
}

function toRegExp(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*')}$`,
  );
}
