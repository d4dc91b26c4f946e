import { createInterface } from 'node:readline/promises'
import { CliError } from './exit-codes'

/** Asks on the terminal (the question on stderr, so stdout stays the command's result). */
export async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  try {
    return await rl.question(question)
  } finally {
    rl.close()
  }
}

/**
 * The yes every write to Dataverse needs (push, apply, undo): `--yes`, or "y" typed at a
 * terminal. Without a terminal nobody can answer, so the command is refused (exit 2, nothing
 * sent) with `refusal`, which should say what would be written and that --yes goes ahead.
 * Returns whether to go ahead.
 */
export async function confirmWrite(options: {
  yes: boolean | undefined
  question: string
  refusal: string
}): Promise<boolean> {
  if (options.yes) return true
  if (!process.stdin.isTTY) throw new CliError(options.refusal)
  return /^y(es)?$/i.test((await ask(`${options.question} [y/N] `)).trim())
}
