// The example manifests and files must stay valid: the Kubernetes ones against the API's own
// schema (kubernetes-models validates with the OpenAPI definitions), tinit's configs against
// tinit's, and the deadlines must nest (tinit's below the kubelet's).
import * as fs from 'fs';
import * as path from 'path';
import { ConfigMap, Pod } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { parseDuration } from '../../src/cli/parse-values';
import { validateConfig } from '../../src/config/validate';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');

function manifests(file: string): Record<string, unknown>[] {
  return parseAllDocuments(fs.readFileSync(path.join(EXAMPLES, 'k8s', file), 'utf8')).map((d) => d.toJS() as Record<string, unknown>);
}

// validate() comes from @kubernetes-models/base, whose types this tsconfig's module
// resolution does not follow (an exports map): typed here by hand.
type Validating = { validate(): void };
const MODELS: Record<string, new (data: never) => unknown> = { Pod, ConfigMap };

function validateManifest(doc: Record<string, unknown>): void {
  const Model = MODELS[String(doc.kind)];
  if (!Model) throw new Error(`no model for ${String(doc.kind)}`);
  (new Model(doc as never) as Validating).validate();
}

describe('examples/k8s', () => {
  const files = fs.readdirSync(path.join(EXAMPLES, 'k8s')).filter((f) => f.endsWith('.yaml'));

  it.each(files)('%s is valid against the Kubernetes schema', (file) => {
    for (const doc of manifests(file)) expect(() => validateManifest(doc)).not.toThrow();
  });

  it('(the schema check can fail)', () => {
    const pod = manifests('shared-pid-namespace.yaml')[0] as { spec: Record<string, unknown> };
    pod.spec.terminationGracePeriodSeconds = 'soon';
    expect(() => validateManifest(pod)).toThrow();
  });

  it("web-monitor.yaml: tinit's config is valid and its deadline is inside the Pod's", () => {
    const [configMap, pod] = manifests('web-monitor.yaml') as [{ data: Record<string, string> }, { spec: { terminationGracePeriodSeconds: number } }];
    const { config, problems } = validateConfig(parseYaml(configMap.data['tinit.yaml'] as string));
    expect(problems).toEqual([]);
    const stopTimeout = parseDuration(String(config?.stop_timeout), 'stop_timeout');
    expect(stopTimeout).toBeLessThan(pod.spec.terminationGracePeriodSeconds * 1000);
  });

  it("shared-pid-namespace.yaml: tinit is a subreaper, its grace period inside the Pod's", () => {
    const pod = manifests('shared-pid-namespace.yaml')[0] as { spec: { shareProcessNamespace: boolean; terminationGracePeriodSeconds: number; containers: { command: string[] }[] } };
    expect(pod.spec.shareProcessNamespace).toBe(true);
    const command = pod.spec.containers[0]?.command ?? [];
    expect(command).toContain('-s');
    const grace = parseDuration(command[command.indexOf('--grace-period') + 1] as string, '--grace-period');
    expect(grace).toBeLessThan(pod.spec.terminationGracePeriodSeconds * 1000);
  });
});

describe('examples/web-monitor.yaml', () => {
  it('is a valid tinit config', () => {
    expect(validateConfig(parseYaml(fs.readFileSync(path.join(EXAMPLES, 'web-monitor.yaml'), 'utf8'))).problems).toEqual([]);
  });
});
