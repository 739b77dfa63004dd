// `npm run fakes`: starts every loopback fake on a fixed port, prints the provider configuration
// that points Itinera's plugins at them, logs what they receive, and stops on Ctrl-C.
// Nothing leaves the machine: every fake listens on 127.0.0.1 only.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { ANTHROPIC_FAKE_API_KEY, startAnthropicFake } from './anthropic.js';
import { FCM_FAKE_ACCESS_TOKEN, FCM_FAKE_PROJECT_ID, startFcmFake } from './fcm.js';
import {
  createLoopbackCertificate,
  GRAPH_FAKE_ACCESS_TOKEN,
  GRAPH_FAKE_CLIENT_ID,
  GRAPH_FAKE_CLIENT_SECRET,
  startGraphFake,
} from './graph.js';
import { OPENAI_FAKE_API_KEY, startOpenAiFake } from './openai.js';
import { SLACK_FAKE_TOKEN, startSlackFake } from './slack.js';
import { startSmtpFake } from './smtp.js';
import { startTwilioFake, TWILIO_FAKE_ACCOUNT_SID, TWILIO_FAKE_AUTH_TOKEN } from './twilio.js';

/** The fixed ports; documented in tools/fakes/README.md. */
export const FAKE_PORTS = {
  smtp: 2525,
  twilio: 4010,
  fcm: 4020,
  slack: 4030,
  openai: 4040,
  anthropic: 4050,
  graph: 4443,
} as const;

/** Keeps the Graph fake's certificate across runs, so a server started with NODE_EXTRA_CA_CERTS keeps trusting it. */
async function graphCertificate(): Promise<{ cert: string; key: string; caFile: string }> {
  const dir = join(tmpdir(), 'itinera-fakes');
  const caFile = join(dir, 'graph-fake-ca.pem');
  const keyFile = join(dir, 'graph-fake-key.pem');
  if (existsSync(caFile) && existsSync(keyFile)) {
    const cert = readFileSync(caFile, 'utf8');
    const validTo = Date.parse(new X509Certificate(cert).validTo);
    if (validTo - Date.now() > 7 * 24 * 3600 * 1000) return { cert, key: readFileSync(keyFile, 'utf8'), caFile };
  }
  const pair = await createLoopbackCertificate();
  mkdirSync(dir, { recursive: true });
  writeFileSync(caFile, pair.cert);
  writeFileSync(keyFile, pair.key, { mode: 0o600 });
  return { ...pair, caFile };
}

interface Watched {
  name: string;
  requests: Array<{ method: string; path: string }>;
  close(): Promise<void>;
}

async function main(): Promise<void> {
  const certificate = await graphCertificate();
  const smtp = await startSmtpFake({ port: FAKE_PORTS.smtp });
  const twilio = await startTwilioFake({ port: FAKE_PORTS.twilio, statusCallbacks: 'auto', undeliverable: ['+15005550009'] });
  const fcm = await startFcmFake({ port: FAKE_PORTS.fcm, unregisteredTokens: ['unregistered-device-token'] });
  const slack = await startSlackFake({ port: FAKE_PORTS.slack });
  const openai = await startOpenAiFake({ port: FAKE_PORTS.openai });
  const anthropic = await startAnthropicFake({ port: FAKE_PORTS.anthropic });
  const graph = await startGraphFake({ port: FAKE_PORTS.graph, tls: certificate });

  const show = (value: unknown) => JSON.stringify(value);
  const lines = [
    'Itinera loopback fakes: every fake listens on 127.0.0.1 and records what it receives. Ctrl-C stops them.',
    '',
    `SMTP sink     ${smtp.url}`,
    `  channel-email-smtp   ${show({ host: smtp.host, port: smtp.port, secure: false, from: 'Itinera <noreply@itinera.test>' })}`,
    `Twilio        ${twilio.url}   (status callbacks: sent, then delivered; +15005550009 ends undelivered)`,
    `  channel-sms-twilio   ${show({ accountSid: TWILIO_FAKE_ACCOUNT_SID, authToken: TWILIO_FAKE_AUTH_TOKEN, from: '+15005550006', apiBaseUrl: twilio.url })}`,
    `FCM           ${fcm.url}   (the token "unregistered-device-token" answers UNREGISTERED)`,
    `  channel-push-fcm     ${show({ projectId: FCM_FAKE_PROJECT_ID, accessToken: FCM_FAKE_ACCESS_TOKEN, endpoint: fcm.url })}`,
    `Slack         ${slack.apiUrl}`,
    `  channel-slack        ${show({ botToken: SLACK_FAKE_TOKEN, apiUrl: slack.apiUrl })}`,
    `Graph (https) ${graph.url}`,
    `  channel-teams        ${show({ accessToken: GRAPH_FAKE_ACCESS_TOKEN, graphBaseUrl: graph.url })}`,
    `                   or  ${show({ clientId: GRAPH_FAKE_CLIENT_ID, clientSecret: GRAPH_FAKE_CLIENT_SECRET, tokenUrl: graph.tokenUrl, graphBaseUrl: graph.url })}`,
    `OpenAI        ${openai.url}/v1`,
    `  llm-openai           ${show({ apiKey: OPENAI_FAKE_API_KEY, baseUrl: `${openai.url}/v1` })}`,
    `Anthropic     ${anthropic.url}`,
    `  llm-anthropic        ${show({ apiKey: ANTHROPIC_FAKE_API_KEY, baseUrl: anthropic.url })}`,
    '',
    'The Graph fake serves a self-signed certificate. Start the API (or any Node process using the Teams plugin) with',
    `  NODE_EXTRA_CA_CERTS=${certificate.caFile}`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  // Log what each fake receives, as it arrives.
  const smtpLog = { name: 'smtp', requests: [] as Array<{ method: string; path: string }>, close: () => smtp.close() };
  const watched: Watched[] = [
    smtpLog,
    { name: 'twilio', requests: twilio.requests, close: () => twilio.close() },
    { name: 'fcm', requests: fcm.requests, close: () => fcm.close() },
    { name: 'slack', requests: slack.requests, close: () => slack.close() },
    { name: 'graph', requests: graph.requests, close: () => graph.close() },
    { name: 'openai', requests: openai.requests, close: () => openai.close() },
    { name: 'anthropic', requests: anthropic.requests, close: () => anthropic.close() },
  ];
  const seen = new Map<string, number>();
  const ticker = setInterval(() => {
    while (smtpLog.requests.length < smtp.messages.length) {
      const mail = smtp.messages[smtpLog.requests.length]!;
      smtpLog.requests.push({
        method: 'MAIL',
        path: `${mail.envelope.from ?? ''} -> ${mail.envelope.to.join(', ')}: ${mail.subject ?? ''}`,
      });
    }
    for (const fake of watched) {
      const from = seen.get(fake.name) ?? 0;
      for (const request of fake.requests.slice(from)) process.stdout.write(`[${fake.name}] ${request.method} ${request.path}\n`);
      seen.set(fake.name, fake.requests.length);
      // Keep memory flat in a long demo: forget what was already printed.
      if (fake.requests.length > 1000) {
        fake.requests.splice(0, fake.requests.length);
        seen.set(fake.name, 0);
      }
    }
    if (smtp.messages.length > 1000) {
      smtp.messages.splice(0, smtp.messages.length);
      smtpLog.requests.length = 0;
    }
  }, 200);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(ticker);
    process.stdout.write(`\n${signal}: stopping the fakes\n`);
    await Promise.allSettled(watched.map((fake) => fake.close()));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE') {
    process.stderr.write(`A fake's port is taken (${(error as Error).message}); is \`npm run fakes\` already running?\n`);
  } else {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  }
  process.exit(1);
});
