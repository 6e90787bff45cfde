// Exit codes that scripts can rely on (documented in the README).
export const EXIT = {
  ok: 0,
  /** The command failed (network, database, unexpected error). */
  failure: 1,
  /** Wrong usage or configuration: bad flags, bad environment variable, unknown id format. */
  usage: 2,
  /** The command finished but skipped bad input; with --strict it stops at the first one. */
  problems: 3,
  /** Something asked for does not exist (unknown paper id). */
  notFound: 4,
} as const;

/** A failure that the CLI reports as one line and a chosen exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
  }
}
