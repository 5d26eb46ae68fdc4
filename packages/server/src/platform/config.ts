import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

// Environment is parsed once at start-up against this schema; a bad value stops the process
// with a message naming the variable, instead of failing later in the middle of a request.
const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  DATABASE_ACQUIRE_TIMEOUT_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 2000 }),
  DATABASE_QUEUE_BUDGET_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 1000 }),
  KOPILKA_DATA_DIR: Type.String({ minLength: 1, default: './.kopilka' }),
  KOPILKA_PGLITE_SHARED_BUFFERS_MB: Type.Integer({ minimum: 1, maximum: 4096, default: 32 }),
  KOPILKA_DEMO: Type.Boolean({ default: true }),
  KOPILKA_INIT_API_KEY: Type.Optional(
    Type.String({ minLength: 32, maxLength: 256, pattern: '^[A-Za-z0-9._~+/=-]+$' }),
  ),
  KOPILKA_INIT_ADMIN_EMAIL: Type.Optional(
    Type.String({ minLength: 3, maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$' }),
  ),
  KOPILKA_INIT_ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 8, maxLength: 200 })),
  KOPILKA_PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  KOPILKA_JOBS: Type.Boolean({ default: true }),
  KOPILKA_JOBS_INTERVAL_SECONDS: Type.Integer({ minimum: 1, maximum: 3600, default: 60 }),
  KOPILKA_BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, maximum: 50 * 1024 * 1024, default: 1024 * 1024 }),
  KOPILKA_SECURE_COOKIES: Type.Boolean({ default: false }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  NODE_ENV: Type.String({ default: 'development' }),
});

export type Config = Readonly<Static<typeof ConfigSchema>>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const BOOLEAN_WORDS: Record<string, boolean> = {
  '1': true,
  true: true,
  yes: true,
  on: true,
  '0': false,
  false: false,
  no: false,
  off: false,
};

function coerce(name: string, raw: string | undefined): unknown {
  if (raw === undefined || raw === '') return undefined;
  const schema = ConfigSchema.properties[name as keyof typeof ConfigSchema.properties] as { type?: string };
  if (schema.type === 'integer') return /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : raw;
  if (schema.type === 'boolean') return BOOLEAN_WORDS[raw.trim().toLowerCase()] ?? raw;
  return raw;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, unknown> = {};
  for (const name of Object.keys(ConfigSchema.properties)) {
    const value = coerce(name, env[name]);
    if (value !== undefined) input[name] = value;
  }
  const withDefaults = Value.Default(ConfigSchema, input);
  const problems = [...Value.Errors(ConfigSchema, withDefaults)].map((e) => {
    const name = e.path.replace(/^\//, '');
    const shown = name.includes('PASSWORD') || name.includes('KEY') ? '(hidden)' : JSON.stringify(env[name]);
    return `${name}=${shown}: ${e.message}`;
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(withDefaults as Static<typeof ConfigSchema>);
}
