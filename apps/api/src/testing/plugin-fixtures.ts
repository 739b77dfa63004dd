import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FixturePackage {
  /** Folder name under the root (may be scoped: `@acme/sms`). */
  dir: string;
  packageJson: Record<string, unknown>;
  /** Files relative to the package folder, e.g. { 'index.js': '…' }. */
  files: Record<string, string>;
}

/** Writes plugin packages (plain ESM JavaScript, as an npm package ships them) into a temporary folder. */
export async function writePluginPackages(packages: FixturePackage[]): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'itinera-plugins-'));
  for (const pkg of packages) {
    const dir = join(root, pkg.dir);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module', ...pkg.packageJson }));
    for (const [file, content] of Object.entries(pkg.files)) {
      await mkdir(join(dir, file, '..'), { recursive: true });
      await writeFile(join(dir, file), content);
    }
  }
  return root;
}

/** A third-party channel plugin written without the SDK: a plain object with a manifest and send(). */
export const ACME_SMS_PLUGIN = `
export default {
  manifest: {
    id: 'acme-sms',
    kind: 'channel',
    channel: 'sms',
    displayName: 'Acme SMS',
    version: '1.2.0',
    description: 'SMS through Acme',
    configSchema: {
      type: 'object',
      required: ['sender', 'apiKey'],
      properties: {
        sender: { type: 'string', minLength: 1 },
        region: { type: 'string', enum: ['eu', 'us'], default: 'eu' },
        apiKey: { type: 'string', minLength: 4, 'x-secret': true },
      },
      additionalProperties: false,
    },
    capabilities: { checkConfig: true },
  },
  async send(ctx, message) {
    return { providerMessageId: 'acme-' + ctx.idempotencyKey };
  },
  async checkConfig(ctx) {
    return ctx.secrets.apiKey === 'good-key'
      ? { ok: true, message: 'Connected to Acme (' + ctx.config.region + ') as ' + ctx.config.sender }
      : { ok: false, message: 'Acme rejected the API key' };
  },
};
`;

export const acmeSmsPackage = (name = 'acme-itinera-sms'): FixturePackage => ({
  dir: name,
  packageJson: { name, version: '1.2.0', keywords: ['itinera-plugin'], itinera: { apiVersion: 1, plugins: ['dist/index.js'] } },
  files: { 'dist/index.js': ACME_SMS_PLUGIN },
});
