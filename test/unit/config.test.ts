// Config errors, one kind of mistake per row: every problem is reported at once, against the
// file, with the line and the key path, and says what is allowed.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load';
import { Config } from '../../src/config/schema';
import { dependenciesOf, startLayers } from '../../src/config/validate';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinit-config-'));
let n = 0;
function problemsOf(yaml: string): string[] {
  const file = path.join(dir, `c${n++}.yaml`);
  fs.writeFileSync(file, yaml);
  try {
    loadConfig(file);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.message.split('\n').map((l) => l.slice(file.length));
  }
}

describe('config errors', () => {
  it.each<[string, string, string[]]>([
    ['an unknown key', 'services:\n  web:\n    command: x\n    comand: y\n', [':4: services.web.comand: unknown key']],
    ['a value outside a set', 'services:\n  web:\n    command: x\n    restart: sometimes\n', [':4: services.web.restart: must be one of no, on-failure, always, unless-stopped (got "sometimes")']],
    ['a bad duration', 'services:\n  web:\n    command: x\n    stop_grace_period: 10 sec\n', [':4: services.web.stop_grace_period: must be a duration: 10s, 500ms, 1m30s, or a number of seconds (got "10 sec")']],
    ['a missing command', 'services:\n  web:\n    restart: always\n', [':3: services.web.command: is required']],
    ['no services', 'services: {}\n', [':1: services: must name at least one service']],
    ['a bad service name', 'services:\n  "web app":\n    command: x\n', [':3: services.web app: unknown key']],
    ['a wrong type', 'services:\n  web:\n    command: x\n    main: "yes"\n', [':4: services.web.main: must be true or false (got "yes")']],
    ['a bad condition', 'services:\n  a: {command: x}\n  b:\n    command: y\n    depends_on: {a: {condition: up}}\n', [':5: services.b.depends_on.a.condition: must be one of started, ready, healthy, completed_successfully, service_started, service_healthy, service_completed_successfully (got "up")']],
    ['an unknown dependency', 'services:\n  a:\n    command: x\n    depends_on: [ghost]\n', [':4: services.a.depends_on.ghost: names no service (services are a)']],
    ['a self dependency', 'services:\n  a:\n    command: x\n    depends_on: [a]\n', [':4: services.a.depends_on.a: a service cannot depend on itself']],
    ['a cycle', 'services:\n  a: {command: x, depends_on: [b]}\n  b: {command: y, depends_on: [c]}\n  c: {command: z, depends_on: [a]}\n', [':2: services: dependency cycle: a -> b -> c -> a']],
    ['healthy without a healthcheck', 'services:\n  a: {command: x}\n  b:\n    command: y\n    depends_on: {a: {condition: healthy}}\n', [':5: services.b.depends_on.a: condition healthy needs a healthcheck on a']],
    ['ready without readiness', 'services:\n  a: {command: x}\n  b:\n    command: y\n    depends_on: {a: {condition: ready}}\n', [':5: services.b.depends_on.a: condition ready needs readiness on a']],
    ['completed on a longrun', 'services:\n  a: {command: x}\n  b:\n    command: y\n    depends_on: {a: {condition: completed_successfully}}\n', [':5: services.b.depends_on.a: condition completed_successfully needs a to be type: oneshot']],
    ['two main services', 'services:\n  a: {command: x, main: true}\n  b: {command: y, main: true}\n', [':2: services: only one service can be main (a, b are)']],
    ['on_exit on main', 'services:\n  a: {command: x, main: true, on_exit: restart}\n', [':2: services.a.on_exit: a main service always ends the container; drop on_exit']],
    ['a oneshot restarted always', 'services:\n  a: {command: x, type: oneshot, restart: always}\n', [':2: services.a.restart: a oneshot runs to completion; restart always would run it forever']],
    ['two readiness kinds', 'services:\n  a:\n    command: x\n    readiness: {tcp: "localhost:80", file: /tmp/x}\n', [':4: services.a.readiness: needs exactly one of tcp, http, exec, file, log, notify, notification_fd (got tcp, file)']],
    ['a healthcheck with no test', 'services:\n  a:\n    command: x\n    healthcheck: {interval: 5s}\n', [':4: services.a.healthcheck: needs exactly one of test, tcp, http, file (got none)']],
    ['an unknown stop signal', 'services:\n  a: {command: x, stop_signal: SIGNOPE}\n', [":2: services.a.stop_signal: 'SIGNOPE' is not a signal (a name such as SIGTERM or TERM, or a number 1-31 or 34-64)"]],
    ['forward_signals naming no service', 'services:\n  a: {command: x}\nforward_signals: [a, b]\n', [':3: forward_signals.1: names no service (services are a)']],
    ['a bad log pattern', 'services:\n  a:\n    command: x\n    readiness: {log: "([unclosed"}\n', [':4: services.a.readiness.log: is not a regular expression (/([unclosed/: Unterminated character class)']],
    ['a port out of range', 'services:\n  a:\n    command: x\n    readiness: {tcp: "127.0.0.1:99999"}\n', [':4: services.a.readiness.tcp: port must be from 1 to 65535 (got 99999)']],
    ['a bad URL', 'services:\n  a:\n    command: x\n    healthcheck: {http: "http://"}\n', [':4: services.a.healthcheck.http: is not a URL (got "http://")']],
    ['a duration too long for a timer', 'services:\n  a: {command: x, stop_grace_period: 600h}\n', [":2: services.a.stop_grace_period: '600h' is too long (at most 596h, about 24 days)"]],
    ['a oneshot with on_exit restart', 'services:\n  a: {command: x, type: oneshot, on_exit: restart}\n', [':2: services.a.on_exit: a oneshot runs to completion; on_exit restart would run it forever']],
    ['broken YAML', 'services:\n  a: {command: x\n', [':3: Flow map in block collection must be sufficiently indented and end with a }']],
    ['a duplicate key', 'services:\n  a: {command: x}\n  a: {command: y}\n', [':3: Map keys must be unique']],
  ])('%s', (_name, yaml, expected) => {
    expect(problemsOf(yaml)).toEqual(expected);
  });

  it('reports a cycle alongside other mistakes', () => {
    const problems = problemsOf('services:\n  a: {command: x, depends_on: [b]}\n  b: {command: y, depends_on: [a, zzz]}\n');
    expect(problems).toEqual([':3: services.b.depends_on.zzz: names no service (services are a, b)', ':2: services: dependency cycle: a -> b -> a']);
  });

  it('accepts compose spellings: service_healthy conditions, CMD healthchecks, merge keys', () => {
    const file = path.join(dir, 'compose.yaml');
    fs.writeFileSync(
      file,
      'x-common: &common {restart: always}\nservices:\n  db:\n    <<: *common\n    command: x\n    healthcheck: {test: ["CMD", "true"]}\n  web:\n    command: y\n    depends_on: {db: {condition: service_healthy}}\n',
    );
    expect(() => loadConfig(file)).toThrow(/x-common: unknown key/);
    fs.writeFileSync(file, 'services:\n  db:\n    <<: {restart: always}\n    command: x\n    healthcheck: {test: ["CMD", "true"]}\n  web:\n    command: y\n    depends_on: {db: {condition: service_healthy}}\n');
    const config = loadConfig(file);
    expect(config.services.db?.restart).toBe('always');
    expect(startLayers(dependenciesOf(config))).toEqual([['db'], ['web']]);
  });

  it('reports several mistakes at once', () => {
    const problems = problemsOf('services:\n  a:\n    command: x\n    restart: maybe\n    depends_on: [ghost]\n    typo: 1\n');
    expect(problems).toHaveLength(3);
  });

  it('names a missing file', () => {
    expect(() => loadConfig(path.join(dir, 'none.yaml'))).toThrow(/none\.yaml: no such file/);
  });

  it('accepts JSON, which YAML includes', () => {
    const file = path.join(dir, 'c.json');
    fs.writeFileSync(file, JSON.stringify({ services: { a: { command: ['true'] } } }));
    expect(loadConfig(file).services.a?.command).toEqual(['true']);
  });
});

describe('start order', () => {
  it('puts independent services in one layer and dependents after', () => {
    const file = path.join(dir, 'order.yaml');
    fs.writeFileSync(
      file,
      'services:\n  prep: {command: x, type: oneshot}\n  db: {command: x}\n  web:\n    command: x\n    depends_on: {prep: {condition: completed_successfully}, db: {condition: started}}\n  monitor: {command: x, depends_on: [web]}\n',
    );
    expect(startLayers(dependenciesOf(loadConfig(file)))).toEqual([['db', 'prep'], ['web'], ['monitor']]);
  });
});

describe('published JSON Schema', () => {
  it('schema/tinit.schema.json is the schema tinit validates with', () => {
    const published = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'schema', 'tinit.schema.json'), 'utf8'));
    const { $schema, title, ...rest } = published;
    expect([$schema, title]).toEqual(['https://json-schema.org/draft/2020-12/schema', 'tinit supervisor config']);
    expect(rest).toEqual(JSON.parse(JSON.stringify(Config)));
  });
});
