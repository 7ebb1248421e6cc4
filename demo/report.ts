import type { Exchange } from './http';

export interface StepResult {
  number: number;
  title: string;
  shows: string;
  ok: boolean;
  exchanges: Exchange[];
  notes: string[];
  figures: Record<string, number>;
  /** What was not as claimed, or what went wrong. */
  error?: string;
}

/** Where the demo's progress goes: the terminal (as it happens) or one JSON document at the end. */
export interface Reporter {
  setup(line: string): void;
  stepStarted(number: number, title: string): void;
  exchange(exchange: Exchange): void;
  note(line: string): void;
  stepFinished(result: StepResult): void;
  finished(results: StepResult[], total: number, error?: string): void;
}

const CODES = { bold: '1', dim: '2', red: '31', green: '32', cyan: '36' } as const;

/** Human output; colours only when `colours` (a TTY without NO_COLOR). */
export class TerminalReporter implements Reporter {
  constructor(
    private readonly write: (text: string) => void,
    private readonly colours: boolean,
  ) {}

  private paint(style: keyof typeof CODES, text: string): string {
    return this.colours ? `\u001b[${CODES[style]}m${text}\u001b[0m` : text;
  }

  setup(line: string): void {
    this.write(`${this.paint('dim', line)}\n`);
  }

  stepStarted(number: number, title: string): void {
    this.write(`\n${this.paint('bold', `${number}. ${title}`)}\n`);
  }

  exchange(exchange: Exchange): void {
    this.write(`   ${this.paint('cyan', '→')} ${exchange.request}\n   ${this.paint('cyan', '←')} ${exchange.response}\n`);
  }

  note(line: string): void {
    this.write(`   ${this.paint('dim', '·')} ${line}\n`);
  }

  stepFinished(result: StepResult): void {
    if (result.ok) this.write(`   ${this.paint('green', '✓ what this shows:')} ${result.shows}\n`);
    else this.write(`   ${this.paint('red', `✗ not as claimed: ${result.error ?? 'unknown'}`)}\n`);
  }

  finished(results: StepResult[], total: number, error?: string): void {
    const passed = results.filter((result) => result.ok).length;
    this.write(`\n${this.paint('bold', 'Summary')}\n`);
    for (const result of results) {
      this.write(`  ${result.ok ? this.paint('green', '✓') : this.paint('red', '✗')} ${result.number}. ${result.title}\n`);
    }
    for (let number = results.length + 1; number <= total; number++) this.write(`  ${this.paint('dim', `- ${number}. not run`)}\n`);
    const figures = Object.assign({}, ...results.map((result) => result.figures)) as Record<string, number>;
    if (figures.revocationReachMs !== undefined) this.write(`  revocation reached the resource server in ${figures.revocationReachMs} ms\n`);
    if (figures.expiredAfterSeconds !== undefined) this.write(`  the short-lived access token was refused ${figures.expiredAfterSeconds} s after it was issued\n`);
    if (error) this.write(`  ${this.paint('red', error)}\n`);
    const verdict = passed === total ? this.paint('green', `${passed}/${total} steps saw what they claim`) : this.paint('red', `${passed}/${total} steps saw what they claim`);
    this.write(`\n${verdict}\n`);
  }
}

/** `--json`: nothing while running, one document at the end. */
export class JsonReporter implements Reporter {
  private readonly setupLines: string[] = [];

  constructor(private readonly write: (text: string) => void) {}

  setup(line: string): void {
    this.setupLines.push(line);
  }

  stepStarted(): void {}
  exchange(): void {}
  note(): void {}
  stepFinished(): void {}

  finished(results: StepResult[], total: number, error?: string): void {
    const ok = results.length === total && results.every((result) => result.ok);
    this.write(`${JSON.stringify({ ok, setup: this.setupLines, steps: results, ...(error ? { error } : {}) }, null, 2)}\n`);
  }
}
