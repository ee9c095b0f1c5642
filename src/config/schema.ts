// The supervisor's config file, as a TypeBox schema: one source for validation, for the
// TypeScript types (Static<>) and for the published JSON Schema (schema/tinit.schema.json).
// Words are docker compose's wherever compose has the concept, so habits carry over.
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const described = <T extends TSchema>(schema: T, description: string): T => ({ ...schema, description });

/** 10s, 500ms, 1m30s, or a number of seconds. */
export const Duration = described(
  Type.Union([Type.String({ pattern: '^\\s*(\\d+(\\.\\d+)?|(\\d+(\\.\\d+)?(ms|s|m|h))+)\\s*$' }), Type.Number({ minimum: 0 })]),
  'a duration: 10s, 500ms, 1m30s, or a number of seconds',
);

/** SIGTERM, TERM, 15, SIGRTMIN+3. */
export const Signal = described(Type.Union([Type.String({ minLength: 1 }), Type.Integer({ minimum: 1, maximum: 64 })]), 'a signal: SIGTERM, TERM or 15');

const Command = described(
  Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String(), { minItems: 1 })]),
  'a string (run by /bin/sh -c) or a list (executed directly)',
);

// compose's own spellings (service_started...) are accepted too.
const Condition = Type.Union([
  Type.Literal('started'),
  Type.Literal('ready'),
  Type.Literal('healthy'),
  Type.Literal('completed_successfully'),
  Type.Literal('service_started'),
  Type.Literal('service_healthy'),
  Type.Literal('service_completed_successfully'),
]);

const DependsOn = described(
  Type.Union([
    Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true }),
    Type.Record(Type.String({ minLength: 1 }), Type.Object({ condition: Condition }, { additionalProperties: false })),
  ]),
  'service names, or name: {condition: started | ready | healthy | completed_successfully}',
);

/** One way to tell that a service is up (readiness) or still fine (health). */
const Probe = Type.Object(
  {
    tcp: Type.Optional(described(Type.String({ pattern: '^.*:\\d+$' }), 'host:port that must accept a connection')),
    http: Type.Optional(
      Type.Union([
        Type.String({ pattern: '^https?://' }),
        Type.Object({ url: Type.String({ pattern: '^https?://' }), status: Type.Optional(Type.Union([Type.Integer(), Type.Array(Type.Integer())])) }, { additionalProperties: false }),
      ]),
    ),
    exec: Type.Optional(Command),
    file: Type.Optional(described(Type.String({ minLength: 1 }), 'a path that must exist')),
    log: Type.Optional(described(Type.String({ minLength: 1 }), 'a regular expression a line of output must match')),
    notify: Type.Optional(described(Type.Boolean(), 'sd_notify READY=1 on $NOTIFY_SOCKET')),
    notification_fd: Type.Optional(described(Type.Integer({ minimum: 3, maximum: 1023 }), 's6 style: the service writes a newline on this fd when ready')),
    interval: Type.Optional(Duration),
    timeout: Type.Optional(Duration),
  },
  { additionalProperties: false },
);

const HealthCheck = Type.Object(
  {
    test: Type.Optional(Command),
    tcp: Type.Optional(Type.String({ pattern: '^.*:\\d+$' })),
    http: Type.Optional(
      Type.Union([
        Type.String({ pattern: '^https?://' }),
        Type.Object({ url: Type.String({ pattern: '^https?://' }), status: Type.Optional(Type.Union([Type.Integer(), Type.Array(Type.Integer())])) }, { additionalProperties: false }),
      ]),
    ),
    file: Type.Optional(Type.String({ minLength: 1 })),
    interval: Type.Optional(Duration),
    timeout: Type.Optional(Duration),
    retries: Type.Optional(Type.Integer({ minimum: 1 })),
    start_period: Type.Optional(Duration),
    on_unhealthy: Type.Optional(Type.Union([Type.Literal('restart'), Type.Literal('report')])),
  },
  { additionalProperties: false },
);

const Backoff = Type.Object(
  {
    initial: Type.Optional(Duration),
    factor: Type.Optional(Type.Number({ minimum: 1 })),
    max: Type.Optional(Duration),
    jitter: Type.Optional(described(Type.Number({ minimum: 0, maximum: 1 }), 'fraction of the delay added or taken at random')),
    reset_after: Type.Optional(described(Duration, 'up this long, the next failure starts again from initial')),
  },
  { additionalProperties: false },
);

const CrashLoop = Type.Object(
  {
    max_failures: Type.Optional(Type.Integer({ minimum: 1 })),
    window: Type.Optional(Duration),
    action: Type.Optional(Type.Union([Type.Literal('give-up'), Type.Literal('shutdown'), Type.Literal('cooldown')])),
    cooldown: Type.Optional(Duration),
  },
  { additionalProperties: false },
);

export const Service = Type.Object(
  {
    command: Command,
    type: Type.Optional(described(Type.Union([Type.Literal('longrun'), Type.Literal('oneshot')]), 'oneshot: runs once to completion (init tasks)')),
    working_dir: Type.Optional(Type.String({ minLength: 1 })),
    environment: Type.Optional(
      Type.Union([Type.Record(Type.String({ minLength: 1 }), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()])), Type.Array(Type.String({ pattern: '^[^=]+(=.*)?$' }))]),
    ),
    env_file: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }))])),
    user: Type.Optional(described(Type.String({ minLength: 1 }), 'user[:group], names or numbers')),
    group: Type.Optional(Type.String({ minLength: 1 })),
    umask: Type.Optional(described(Type.String({ pattern: '^0?[0-7]{3}$' }), 'octal, e.g. 022')),
    restart: Type.Optional(Type.Union([Type.Literal('no'), Type.Literal('on-failure'), Type.Literal('always'), Type.Literal('unless-stopped')])),
    success_exit_codes: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 255 }), { minItems: 1 })),
    backoff: Type.Optional(Backoff),
    crash_loop: Type.Optional(CrashLoop),
    depends_on: Type.Optional(DependsOn),
    readiness: Type.Optional(Probe),
    healthcheck: Type.Optional(HealthCheck),
    stop_signal: Type.Optional(Signal),
    stop_grace_period: Type.Optional(Duration),
    main: Type.Optional(described(Type.Boolean(), "this service's exit ends the container with its exit code")),
    on_exit: Type.Optional(Type.Union([Type.Literal('shutdown'), Type.Literal('restart'), Type.Literal('ignore')])),
  },
  { additionalProperties: false },
);

export const Config = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    services: Type.Record(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' }), Service, {
      minProperties: 1,
      additionalProperties: false,
      description: 'service names: letters, digits, _ . - (not first)',
    }),
    stop_timeout: Type.Optional(described(Duration, 'one deadline for the whole ordered shutdown (default 9s, inside docker stop’s 10s)')),
    log_format: Type.Optional(Type.Union([Type.Literal('text'), Type.Literal('json')])),
    forward_signals: Type.Optional(described(Type.Array(Type.String({ minLength: 1 })), 'services that get the signals tinit does not act on itself (default: all)')),
  },
  { additionalProperties: false },
);

export type ServiceConfig = Static<typeof Service>;
export type ConfigFile = Static<typeof Config>;
