/** Where services report what happened. Messages never contain secrets: callers pass ids, not keys. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const consoleLogger: Logger = {
  info: (m) => console.info(`[openhands] ${m}`),
  warn: (m) => console.warn(`[openhands] ${m}`),
  error: (m) => console.error(`[openhands] ${m}`),
};

/** A logger that keeps lines in memory (tests, diagnostics). */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  info(m: string): void {
    this.lines.push(`info ${m}`);
  }
  warn(m: string): void {
    this.lines.push(`warn ${m}`);
  }
  error(m: string): void {
    this.lines.push(`error ${m}`);
  }
}
