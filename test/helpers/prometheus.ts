// The Prometheus text format read by the Prometheus project's own Python client (Debian's python3-prometheus-client,
// installed by .ci/run): its parser is the reference for what a Prometheus server accepts. Returns every family
// with its samples; throws with the parser's message when the text is not valid.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const python =
  process.env.TIPWIRE_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

const SCRIPT = `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = []
for family in text_string_to_metric_families(sys.stdin.read()):
    out.append({"name": family.name, "type": family.type, "help": family.documentation,
                "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in family.samples]})
json.dump(out, sys.stdout)
`;

export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PrometheusFamily {
  name: string;
  type: string;
  help: string;
  samples: PrometheusSample[];
}

export function hasPrometheusParser(): boolean {
  return spawnSync(python, ['-c', 'import prometheus_client.parser'], { encoding: 'utf8' }).status === 0;
}

export function parsePrometheus(text: string): PrometheusFamily[] {
  const run = spawnSync(python, ['-c', SCRIPT], { input: text, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`prometheus_client could not parse the text: ${run.stderr}`);
  return JSON.parse(run.stdout) as PrometheusFamily[];
}

/** The value of the sample with this name whose labels include these. */
export function sample(
  families: PrometheusFamily[],
  name: string,
  labels: Record<string, string> = {},
): number {
  for (const family of families)
    for (const one of family.samples)
      if (one.name === name && Object.entries(labels).every(([key, value]) => one.labels[key] === value))
        return one.value;
  throw new Error(`no sample ${name} ${JSON.stringify(labels)}`);
}
