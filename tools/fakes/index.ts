// Loopback fakes of the providers Itinera talks to, for tests, demos and local development.
// Each records what it receives and can be told to fail; `npm run fakes` starts them all
// (tools/fakes/start-all.ts).
export * from './fake-server.js';
export * from './smtp.js';
export * from './twilio.js';
export * from './fcm.js';
export * from './graph.js';
export * from './slack.js';
export * from './openai.js';
export * from './anthropic.js';
