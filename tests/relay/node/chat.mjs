// Drives a running relay with the official Node `openai` client; used by tests/relay/test_node_sdk.py.
//
// Env: RELAY_BASE_URL (ends in /v1), RELAY_API_KEY, RELAY_MODEL.
// Does a non-stream chat, a streaming chat (text collected) and a model listing, then prints one
// JSON summary on stdout. Any failure: the error on stderr and exit code 1.
import OpenAI from 'openai';

function need(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`environment variable ${name} is not set`);
  }
  return value;
}

async function main() {
  const client = new OpenAI({
    baseURL: need('RELAY_BASE_URL'),
    apiKey: need('RELAY_API_KEY'),
    maxRetries: 0,
    timeout: 20_000,
  });
  const model = need('RELAY_MODEL');
  const messages = [{ role: 'user', content: 'hi' }];

  const reply = await client.chat.completions.create({ model, messages });

  const stream = await client.chat.completions.create({
    model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
  });
  let streamText = '';
  let chunks = 0;
  let streamUsage = null;
  for await (const chunk of stream) {
    chunks += 1;
    for (const choice of chunk.choices) {
      streamText += choice.delta?.content ?? '';
    }
    if (chunk.usage) {
      streamUsage = chunk.usage;
    }
  }

  const models = [];
  for await (const entry of client.models.list()) {
    models.push({ id: entry.id, object: entry.object, created: entry.created });
  }

  const summary = {
    sdkVersion: OpenAI.VERSION ?? null,
    node: process.version,
    text: reply.choices[0]?.message?.content ?? null,
    finishReason: reply.choices[0]?.finish_reason ?? null,
    usage: reply.usage ?? null,
    streamText,
    streamChunks: chunks,
    streamUsage,
    models,
  };
  process.stdout.write(JSON.stringify(summary) + '\n');
}

main().catch((err) => {
  const status = err && typeof err === 'object' && 'status' in err ? ` (HTTP ${err.status})` : '';
  process.stderr.write(`chat.mjs failed${status}: ${err?.stack ?? err}\n`);
  process.exit(1);
});
