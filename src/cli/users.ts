// Commands: users add, users list, users role. The first admin is created here.
import type { Command } from 'commander';
import { changeRole, ROLES } from '../community/moderation.js';
import { normalizeEmail } from '../community/signin.js';
import { AppError } from '../errors.js';
import { ensureUser, listUsers, type User } from '../store/users.js';
import { withContext, reportCliError } from './context.js';
import { CliError, EXIT } from './exit.js';

function roleOf(value: string): User['role'] {
  if (!ROLES.includes(value as User['role'])) throw new CliError(`--role must be one of ${ROLES.join(', ')}`, EXIT.usage);
  return value as User['role'];
}

export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('manage accounts (sign-in itself is by emailed link)');

  users
    .command('add <email>')
    .description('create an account, or change the role of an existing one')
    .option('--role <role>', `one of ${ROLES.join(', ')}`, 'member')
    .action((email: string, opts: { role: string }) =>
      withContext(async (ctx) => {
        const role = roleOf(opts.role);
        let address: string;
        try {
          address = normalizeEmail(email);
        } catch (err) {
          throw new CliError(err instanceof AppError ? err.message : String(err), EXIT.usage);
        }
        const user = await ensureUser(ctx.store.db, address, role, ctx.clock.now().toISOString());
        const final = user.role === role ? user : await changeRole(ctx, null, user.username, role);
        process.stdout.write(`${final.email} (@${final.username}) is ${final.role}\n`);
      }).catch(reportCliError),
    );

  users
    .command('list')
    .description('list accounts')
    .option('--json', 'one JSON object per line')
    .action((opts: { json?: boolean }) =>
      withContext(async (ctx) => {
        for (const u of await listUsers(ctx.store.db, 100_000, 0)) {
          process.stdout.write(
            opts.json
              ? `${JSON.stringify({ id: u.id, email: u.email, username: u.username, role: u.role, suspended: u.suspended, createdAt: u.createdAt })}\n`
              : `${u.id}\t${u.email}\t@${u.username}\t${u.role}${u.suspended ? '\tsuspended' : ''}\n`,
          );
        }
      }).catch(reportCliError),
    );
}
