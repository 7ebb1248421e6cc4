import { join } from 'node:path';
import { RecordingHttp } from './http';
import { ChildServers } from './processes';
import { JsonReporter, type Reporter, type StepResult, TerminalReporter } from './report';
import { STEPS } from './steps';
import { makeScratch, startEnvironment } from './environment';
import type { DemoWorld } from './story';

/**
 * `npm run demo`: the server's argument, walked through one claim at a time against real
 * processes. Exits 0 only if every step saw what it claims. `--json` prints one JSON document
 * instead of the walk-through.
 */
async function main(): Promise<number> {
  const json = process.argv.includes('--json');
  const write = (text: string) => void process.stdout.write(text);
  const reporter: Reporter = json ? new JsonReporter(write) : new TerminalReporter(write, Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
  const servers = new ChildServers();
  const scratch = makeScratch();
  let tornDown = false;
  const tearDown = async () => {
    if (tornDown) return;
    tornDown = true;
    await servers.stopAll();
    scratch.remove();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void tearDown().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143)));
  }

  const results: StepResult[] = [];
  try {
    // The compiled demo sits in <build>/demo/, beside the server's <build>/src/.
    const world = await startEnvironment(join(__dirname, '..'), (line) => reporter.setup(line), servers, scratch.path);
    for (const [index, step] of STEPS.entries()) {
      const result = await runStep(index + 1, step, world, reporter);
      results.push(result);
      if (!result.ok) break; // later steps build on this one
    }
    reporter.finished(results, STEPS.length);
  } catch (error) {
    reporter.finished(results, STEPS.length, `the demo could not run: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await tearDown();
  }
  return results.length === STEPS.length && results.every((result) => result.ok) ? 0 : 1;
}

async function runStep(number: number, step: (typeof STEPS)[number], world: DemoWorld, reporter: Reporter): Promise<StepResult> {
  const result: StepResult = { number, title: step.title, shows: step.shows, ok: false, exchanges: [], notes: [], figures: {} };
  reporter.stepStarted(number, step.title);
  const http = new RecordingHttp(labels(world), (exchange) => {
    result.exchanges.push(exchange);
    reporter.exchange(exchange);
  });
  try {
    result.figures = await step.run(world, http, (line) => {
      result.notes.push(line);
      reporter.note(line);
    });
    result.ok = true;
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  }
  reporter.stepFinished(result);
  return result;
}

/** Short names for the servers in the exchanges. */
function labels(world: DemoWorld): Map<string, string> {
  return new Map([
    [world.auth.baseUrl, 'auth'],
    [new URL(world.shortLivedAuth.tokenEndpoint).origin, `auth(ttl ${world.shortLivedAuth.accessTokenTtlSeconds}s)`],
    [world.resource.baseUrl, 'resource'],
  ]);
}

void main().then((code) => process.exit(code));
